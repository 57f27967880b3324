/**
 * Pure: one declared asset → its outputs, resolved. A line with languages or voices
 * (expand-outputs.ts) resolves once per output, each through its own chain: the output's text
 * and voice on the asset's level, and the speaker's `languages.<lang>` entry just above the
 * speaker. Each output is then sent with its `language_code` when the model takes one (turbo
 * 2.5), and carries its declared id, language and translation for plans, manifests and reports.
 * The lexicon respells the source language's outputs only.
 */
import type { Diagnostic } from '../errors.js';
import type { ResolvedAsset } from '../project.js';
import type { AssetEntry } from './content.js';
import type { Layer } from './defaults-chain.js';
import { expandOutputs, type OutputVariant } from './expand-outputs.js';
import { type Localization, sourceLanguage } from './language-text.js';
import { refusedParam } from './models.js';
import { type AssetContext, type ResolvedOne, resolveAsset } from './resolve-asset.js';
import { INVALID, type Invalid } from './salvage.js';
import type { NeighbourField } from './sent-text.js';

export type Neighbours = Partial<Record<NeighbourField, string | Invalid>>;

export interface OutputsInput {
  /** the asset's context as it would resolve with one output */
  base: AssetContext;
  /** the speaker's cast entry on the chain, when it names a known one */
  speaker: Layer | undefined;
  l10n: Localization;
  /** a scene line's neighbours' text in the language spoken (undefined: a line with one output) */
  neighbours?: ((language: string | undefined) => Neighbours | undefined) | undefined;
}

/** One output, as resolved, and the entry whose claims (out, id) it makes. */
export interface ResolvedOutput extends ResolvedOne {
  entry: AssetEntry;
}

export function resolveOutputs(input: OutputsInput): ResolvedOutput[] {
  const { base } = input;
  const own = base.layers[0];
  const baseId = declaredId(base);
  const expansion = expandOutputs({ entry: base.entry, layers: base.layers, baseId, l10n: input.l10n, report: base.report });
  if (expansion.kind !== 'outputs') {
    // a failed expansion still has its `out` checked and claimed, as any asset that failed
    const one = resolveAsset({ ...base, blocked: base.blocked === true || expansion.kind === 'failed', text: textOf(input, undefined) });
    if (one.asset !== undefined) describeSingle(one.asset, base, input.l10n);
    return [{ entry: base.entry, ...one }];
  }
  const report = onceEach(base.report);
  return expansion.outputs.map((output) => {
    const entry: AssetEntry = { ...base.entry, values: ownValues(own?.values, output, baseId) };
    const layers = variantLayers(base.layers, entry, input.speaker, output.spoken);
    const one = resolveAsset({ ...base, entry, layers: layers.all, report, text: textOf(input, output.spoken) });
    if (one.asset !== undefined) describeOutput(one.asset, { base, output, baseId, language: layers.language, l10n: input.l10n });
    return { entry, ...one };
  });
}

/** The id the asset is declared with: its `id`, else a scene line's `<scene>.<n>`, else its `out` as written. */
function declaredId(base: AssetContext): string | undefined {
  const { id, out } = base.entry.values;
  if (typeof id === 'string') return id;
  if (base.defaultId !== undefined) return base.defaultId;
  return typeof out === 'string' ? out : undefined;
}

/**
 * The text sources of the output that speaks `language`. The lexicon's respellings are written
 * for the source language (a respelling that helps an English voice misleads a German one), so
 * other languages are sent as written (docs/localization.md).
 */
function textOf(input: OutputsInput, language: string | undefined): AssetContext['text'] {
  const text = input.base.text ?? { lexicon: {} };
  const source = sourceLanguage(input.l10n);
  const lexicon = language === undefined || language === source ? text.lexicon : NO_LEXICON;
  return { lexicon, neighbours: input.neighbours?.(language) };
}

const NO_LEXICON: Readonly<Record<string, string>> = {};

/** The asset's own values for one output: its id, `out`, text and voice. */
function ownValues(
  values: Readonly<Record<string, unknown>> | null | undefined,
  output: OutputVariant,
  baseId: string | undefined,
): Record<string, unknown> {
  const own: Record<string, unknown> = { ...values, out: output.out };
  if (baseId !== undefined) own.id = `${baseId}${output.suffix}`;
  if (output.text !== undefined) own.text = output.text;
  if (output.voice !== undefined) own.voice = output.voice;
  return own;
}

/** The output's chain: the asset's level with the output's values, and the speaker's entry for the language spoken above the speaker. */
function variantLayers(
  layers: readonly Layer[],
  entry: AssetEntry,
  speaker: Layer | undefined,
  spoken: string | undefined,
): { all: Layer[]; language?: Layer } {
  const [own, ...rest] = layers;
  if (own === undefined) return { all: [] };
  const all = [{ ...own, values: entry.values }, ...rest];
  const language = speaker === undefined || spoken === undefined ? undefined : languageLayer(speaker, spoken);
  if (language === undefined || speaker === undefined) return { all };
  all.splice(all.indexOf(speaker), 0, language);
  return { all, language };
}

/** The cast entry's `languages.<lang>` as a level of the chain; undefined when it sets none. */
function languageLayer(speaker: Layer, language: string): Layer | undefined {
  const languages = speaker.values?.languages;
  const path = [...speaker.path, 'languages', language];
  const at = { file: speaker.file, locate: speaker.locate, path, fieldPrefix: `${speaker.fieldPrefix}languages.${language}.` };
  // a `languages` map that failed validation may hide this language's settings
  if (languages === INVALID) return { ...at, values: {}, incomplete: true };
  if (typeof languages !== 'object' || languages === null) return undefined;
  const values: unknown = (languages as Record<string, unknown>)[language];
  if (values === INVALID) return { ...at, values: {}, incomplete: true };
  if (typeof values !== 'object' || values === null) return undefined;
  return { ...at, values: values as Record<string, unknown> };
}

/** A line with one output: its speaker, and in a project with languages, the source language it speaks. */
function describeSingle(asset: ResolvedAsset, base: AssetContext, l10n: Localization): void {
  const speaker = base.entry.values.speaker;
  if (typeof speaker === 'string') asset.speaker = speaker;
  const source = sourceLanguage(l10n);
  if (asset.kind === 'voice' && source !== undefined) asset.language = source;
}

interface OutputFacts {
  base: AssetContext;
  output: OutputVariant;
  baseId: string | undefined;
  /** the speaker's entry for the language spoken, when on the chain */
  language: Layer | undefined;
  l10n: Localization;
}

/** An expanded output's declared id, language, translation and `language_code`. */
function describeOutput(asset: ResolvedAsset, { base, output, baseId, language, l10n }: OutputFacts): void {
  const speaker = base.entry.values.speaker;
  if (typeof speaker === 'string') asset.speaker = speaker;
  if (baseId !== undefined) asset.baseId = baseId;
  // a line with voices but one language speaks the source language, as a line with one output does
  const shipped = output.language ?? sourceLanguage(l10n);
  if (shipped !== undefined) asset.language = shipped;
  if (output.translation !== undefined) asset.translation = output.translation;
  const spoken = output.spoken;
  // the asset (or its speaker's entry for the language) setting language_code wins; defaults do not
  const explicit = base.entry.values.language_code != null || language?.values?.language_code != null;
  if (spoken !== undefined && !explicit && refusedParam(asset.model, 'language_code') === undefined) {
    asset.input.language_code = spoken;
  }
}

/** The outputs of one asset share their problems: each is reported once, not once per output. */
function onceEach(report: AssetContext['report']): AssetContext['report'] {
  const seen = new Set<string>();
  return (diagnostic: Diagnostic, own: boolean) => {
    const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}:${diagnostic.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    report(diagnostic, own);
  };
}
