/**
 * Pure: which outputs one voice line makes. A text map, or `{lang}` in `out`, makes one output
 * per language of the config's `languages`; `voices:` makes one per voice; both make one per
 * pair. Each output knows the text it speaks (its own, a translations table's, or the source
 * text under `localization.missing: source`) and its id suffix (`@de`, `@Rachel`, `@de@Rachel`).
 * The problems of the expansion itself (a language the config does not ship, a missing
 * placeholder in `out`, a text given twice, a missing translation) are reported here, where they
 * are written.
 */
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { AssetEntry } from './content.js';
import { type Layer, type Origin, pickField, UNKNOWN } from './defaults-chain.js';
import { isTextMap, type Localization, ownText, sourceText, type WrittenText } from './language-text.js';
import { describeLanguage } from './languages.js';
import { INVALID } from './salvage.js';
import { sourceLock, type TranslationInfo } from './translations.js';

/** One output of an expanded line. */
export interface OutputVariant {
  /** appended to the declared id: `@de`, `@Rachel`, `@de@Rachel` */
  suffix: string;
  /** `out` with its placeholders filled in */
  out: string;
  /** the language the output ships as */
  language?: string;
  /** the language whose text, cast settings and neighbours are sent: `language`, or the source under `missing: source` */
  spoken?: string;
  /** the text to speak, when the line has languages */
  text?: string;
  voice?: string;
  translation?: TranslationInfo;
}

/** `single`: the line makes one output, as it did before languages; `failed`: a problem was reported (or is unknown). */
export type Expansion = { kind: 'single' } | { kind: 'failed' } | { kind: 'outputs'; outputs: OutputVariant[] };

export interface ExpandInput {
  entry: AssetEntry;
  layers: readonly Layer[];
  /** the id as declared (the asset's `id`, a scene line's `<scene>.<n>`, else its `out` as written) */
  baseId: string | undefined;
  l10n: Localization;
  report: (diagnostic: Diagnostic, own: boolean) => void;
}

export const LANG = '{lang}';
export const VOICE = '{voice}';

export function expandOutputs(input: ExpandInput): Expansion {
  const own = input.layers[0];
  const values = own?.values ?? {};
  const out = values.out;
  const hit = pickField(input.layers, 'text');
  const written = (hit === UNKNOWN ? INVALID : hit?.value) as WrittenText;
  const voices = values.voices;
  const byLanguage = isTextMap(written) || (typeof out === 'string' && out.includes(LANG));
  const byVoice = voices != null || (typeof out === 'string' && out.includes(VOICE));
  if (!byLanguage && !byVoice) return { kind: 'single' };
  if (own === undefined || typeof out !== 'string' || voices === INVALID || written === INVALID) return { kind: 'failed' };
  const at = new Reporter(input, own, hit === undefined || hit === UNKNOWN ? undefined : hit.origin);
  // an asset of unknown kind has had its kind reported; nothing more can be said
  if (input.entry.kind === undefined) return { kind: 'failed' };
  if (input.entry.kind === 'effect') {
    at.field(
      'out',
      'E_OUT_PLACEHOLDER',
      `expected no {lang} or {voice} in the out of a sound effect (languages and voices are for voice lines), found ${JSON.stringify(out)}`,
    );
    return { kind: 'failed' };
  }
  const list = Array.isArray(voices) ? voices.filter((v): v is string => typeof v === 'string') : undefined;
  if (byVoice) checkVoices(at, out, list, values.voice);
  const languages = byLanguage ? languageTexts(at, written, out, input) : [undefined];
  if (at.failed || languages === undefined) return { kind: 'failed' };
  const outputs: OutputVariant[] = [];
  for (const language of languages) {
    if (language === null) continue;
    for (const voice of list ?? [undefined]) outputs.push(variant(out, language, voice));
  }
  return { kind: 'outputs', outputs };
}

/** One language's text, or null when that output is skipped (`missing: warn`). */
interface LanguageOutput {
  language: string;
  spoken: string;
  text: string;
  translation?: TranslationInfo;
}

function variant(out: string, language: LanguageOutput | undefined, voice: string | undefined): OutputVariant {
  const suffix = `${language === undefined ? '' : `@${language.language}`}${voice === undefined ? '' : `@${voice}`}`;
  const filled = out.replaceAll(LANG, language?.language ?? LANG).replaceAll(VOICE, voice ?? VOICE);
  const output: OutputVariant = { suffix, out: filled };
  if (language !== undefined) {
    output.language = language.language;
    output.spoken = language.spoken;
    output.text = language.text;
    if (language.translation !== undefined) output.translation = language.translation;
  }
  if (voice !== undefined) output.voice = voice;
  return output;
}

function checkVoices(at: Reporter, out: string, voices: readonly string[] | undefined, voice: unknown): void {
  if (voices === undefined) {
    at.field('out', 'E_OUT_PLACEHOLDER', `expected {voice} only with \`voices:\` on the asset, found it in ${JSON.stringify(out)}`);
    return;
  }
  if (voice != null) at.field('voices', 'E_VOICES_AND_VOICE', 'voices: expected either `voice` or `voices` on the asset, found both');
  if (voices.length > 1 && !out.includes(VOICE)) {
    at.field(
      'out',
      'E_OUT_PLACEHOLDER',
      `expected {voice} in out: the asset has ${voices.length} voices (${voices.join(', ')}), each needs its own file`,
    );
  }
}

/** Each language's output (null: skipped with a warning); undefined when none can be known. */
function languageTexts(at: Reporter, written: WrittenText, out: string, input: ExpandInput): (LanguageOutput | null)[] | undefined {
  const { l10n, baseId } = input;
  if (l10n.languages === INVALID || l10n.missing === INVALID) return undefined;
  const languages = l10n.languages;
  const [source] = languages;
  if (source === undefined) {
    const needs = 'it lists the languages the project ships, the source first';
    if (isTextMap(written)) at.text(null, 'E_NO_LANGUAGES', `expected \`languages:\` in the config for a text map: ${needs}`);
    else at.field('out', 'E_NO_LANGUAGES', `expected \`languages:\` in the config for {lang} in out: ${needs}`);
    return undefined;
  }
  if (isTextMap(written)) checkMapKeys(at, written, languages);
  if (languages.length > 1 && !out.includes(LANG)) {
    at.field(
      'out',
      'E_OUT_PLACEHOLDER',
      `expected {lang} in out: the line has ${languages.length} languages (${languages.join(', ')}), each needs its own file`,
    );
  }
  const sourceWritten = sourceText(written, l10n);
  return languages.map((language) => {
    const own = ownText(written, baseId, language, source, l10n.table);
    if (own !== undefined) {
      if (own.from === 'asset' && isTextMap(written) && language !== source) checkTwice(at, baseId, language, l10n);
      const output: LanguageOutput = { language, spoken: language, text: own.text };
      if (own.entry !== undefined) output.translation = translationOf(at, own.entry, sourceWritten, `${baseId}@${language}`);
      return output;
    }
    return missing(at, language, source, sourceWritten, l10n.missing === INVALID ? 'warn' : l10n.missing);
  });
}

function checkMapKeys(at: Reporter, map: Readonly<Record<string, string>>, languages: readonly string[]): void {
  for (const key of Object.keys(map)) {
    if (languages.includes(key)) continue;
    at.text(
      [key],
      'E_LANGUAGE_NOT_SHIPPED',
      `expected one of the config's languages (${languages.join(', ')}), found ${describeLanguage(key)}; add it to \`languages:\` or remove it`,
    );
  }
}

/** The same language's text in the line and in a translations table: which one is meant cannot be guessed. */
function checkTwice(at: Reporter, baseId: string | undefined, language: string, l10n: Localization): void {
  const entry = baseId === undefined ? undefined : l10n.table.get(baseId)?.get(language);
  if (entry === undefined) return;
  at.text([language], 'E_TRANSLATION_TWICE', `expected ${language} text in one place, found it here and in ${place(entry.at)}; keep one`);
}

function translationOf(
  at: Reporter,
  entry: { lock?: string; at: SourceLocation },
  source: string | undefined,
  id: string,
): TranslationInfo {
  const current = source === undefined ? undefined : sourceLock(source);
  const stale = entry.lock !== undefined && current !== undefined && entry.lock !== current;
  if (stale) {
    at.report({
      ...entry.at,
      severity: 'warning',
      code: 'W_TRANSLATION_STALE',
      asset: id,
      message: `source text changed since translation: ${id} was translated from another source text (lock ${entry.lock}, now ${current}); it is still generated from the text given`,
    });
  }
  const info: TranslationInfo = { stale, at: entry.at };
  if (entry.lock !== undefined) info.lock = entry.lock;
  return info;
}

function missing(
  at: Reporter,
  language: string,
  source: string,
  sourceWritten: string | undefined,
  policy: 'warn' | 'error' | 'source',
): LanguageOutput | null {
  const id = `${at.baseId}@${language}`;
  if (language === source) {
    at.text(
      null,
      'E_SOURCE_TEXT_MISSING',
      `expected text in the source language ${describeLanguage(source)} (the first of \`languages:\`): its translations are made from it`,
    );
    return null;
  }
  if (policy === 'source' && sourceWritten !== undefined) return { language, spoken: source, text: sourceWritten };
  const message = `no ${describeLanguage(language)} text for ${at.baseId} (not in the line, nor in a translations table)`;
  if (policy === 'error') at.text(null, 'E_TRANSLATION_MISSING', `${message}; localization.missing is error`);
  else at.text(null, 'W_TRANSLATION_MISSING', `${message}: ${id} is skipped (localization.missing: warn)`, 'warning');
  return null;
}

function place(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

/** Reports the expansion's problems on the line, where they are written. */
class Reporter {
  failed = false;
  readonly baseId: string;

  constructor(
    private readonly input: ExpandInput,
    private readonly own: Layer,
    private readonly textOrigin: Origin | undefined,
  ) {
    this.baseId = input.baseId ?? input.entry.label;
  }

  report(diagnostic: Diagnostic): void {
    if (diagnostic.severity === 'error') this.failed = true;
    this.input.report(diagnostic, true);
  }

  /** A problem of the asset's own field. */
  field(field: string, code: string, message: string): void {
    const { own } = this;
    this.report({
      file: own.file,
      ...own.locate([...own.path, field]),
      severity: 'error',
      code,
      asset: this.input.entry.label,
      field,
      message: prefixed(field, message),
    });
  }

  /** A problem of `text` (null: the whole text; a path: inside its map), wherever on the chain it is written. */
  text(inside: readonly string[] | null, code: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    const origin = this.textOrigin;
    const file = origin?.file ?? this.own.file;
    const path = origin === undefined ? [...this.own.path, 'text'] : [...origin.path, ...(inside ?? [])];
    const field = [origin?.field ?? 'text', ...(inside ?? [])].join('.');
    const locate = origin?.locate ?? this.own.locate;
    this.report({ file, ...locate(path), severity, code, asset: this.input.entry.label, field, message: prefixed(field, message) });
  }
}

function prefixed(field: string, message: string): string {
  return message.startsWith(`${field}:`) ? message : `${field}: ${message}`;
}
