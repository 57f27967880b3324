/**
 * Pure: a file's scenes → their lines as assets. Each line is a voice asset with the scene's
 * settings between it and its speaker, the id `<scene id>.<n>` unless it sets one, and — with
 * `continuity: neighbours`, the default — its neighbours' written text as `previous_text` and
 * `next_text` (the lexicon then respells them as it does the line's own text, once). Scene ids
 * are unique in the project. A line with languages hears its neighbours in its own language
 * (language-text.ts): a German line is sent with its German neighbours.
 */
import type { Diagnostic } from '../errors.js';
import type { ResolvedAsset, ResolvedScene } from '../project.js';
import type { AssetEntry } from './content.js';
import { type Layer, pickField, UNKNOWN } from './defaults-chain.js';
import type { SceneEntry } from './dialogue-content.js';
import { LANG } from './expand-outputs.js';
import { isTextMap, type Localization, sourceLanguage, spokenText, type WrittenText } from './language-text.js';
import type { DocPath, Locate } from './position.js';
import type { Neighbours } from './resolve-outputs.js';
import { INVALID, type Invalid } from './salvage.js';
import { type SceneLineOutputs, sceneVariants } from './scene-languages.js';
import { resolveSceneFile, sceneOutOf } from './scene-out.js';

/** An asset's levels of the chain; `blocked`: it must not resolve (an unknown speaker, reported). */
export interface AssetChain {
  layers: readonly Layer[];
  blocked: boolean;
  /** the speaker's cast entry among `layers`, when the asset names a known one */
  speaker?: Layer | undefined;
}

export interface LineOptions {
  /** the id when the line sets none */
  defaultId?: string | undefined;
  /** the id to check for uniqueness when the line sets none; null: none that can be checked */
  claimedId?: string | null | undefined;
  /** the neighbours' text in a language spoken by the line (undefined: its one output's); undefined: no neighbours */
  neighbours?: ((language: string | undefined) => Neighbours | undefined) | undefined;
}

/** What resolve.ts does for any asset of a file, which scenes use for their lines. */
export interface FileResolver {
  chain(entry: AssetEntry, path: DocPath, scene?: Layer): AssetChain;
  /** the asset's outputs (one per language and voice), each undefined when it has a problem (reported) */
  resolve(entry: AssetEntry, chain: AssetChain, options?: LineOptions): (ResolvedAsset | undefined)[];
  /** a scene's valid `out`s, one per language with `{lang}` (its claims on the paths, checked with the assets'), and the scene files it makes */
  sceneFiles(scene: SceneEntry, outs: readonly string[], files: readonly ResolvedScene[]): void;
}

/** Scene ids seen so far in the project, and where. */
export type SceneIds = Map<string, { file: string; locate: Locate; path: DocPath }>;

export interface SceneFile {
  file: string;
  locate: Locate;
  ids: SceneIds;
  report: (diagnostic: Diagnostic, own: boolean) => void;
  l10n: Localization;
}

export function resolveScenes(scenes: readonly SceneEntry[], where: SceneFile, resolver: FileResolver): void {
  for (const scene of scenes) {
    const path = ['scenes', scene.index];
    const unique = claimSceneId(scene, where);
    const sceneLayer: Layer = {
      values: scene.settings.values,
      incomplete: scene.settings.incomplete,
      file: where.file,
      locate: where.locate,
      path,
      fieldPrefix: `scenes.${scene.index}.`,
    };
    const chains = scene.lines.map((line) => resolver.chain(line, [...path, 'lines', line.index], sceneLayer));
    const defaultIds = scene.lines.map((_, j) => (typeof scene.id === 'string' ? `${scene.id}.${j + 1}` : undefined));
    const texts = chains.map(
      (chain, j): LineText => ({ written: writtenText(chain.layers), id: declaredId(scene.lines[j], defaultIds[j]) }),
    );
    const inLanguage = (language: string | undefined) => {
      const spoken = language ?? sourceLanguage(where.l10n);
      return texts.map((line) => spokenText(line.written, line.id, spoken, where.l10n));
    };
    const outputs: (ResolvedAsset | undefined)[][] = [];
    for (const [j, line] of scene.lines.entries()) {
      const chain = chains[j];
      if (chain === undefined) continue;
      const defaultId = defaultIds[j];
      outputs.push(
        resolver.resolve(line, chain, {
          defaultId,
          claimedId: unique ? defaultId : null,
          neighbours: (language) => neighboursOf(scene, inLanguage(language), j),
        }),
      );
    }
    const out = sceneOutOf(scene, where);
    if (out === undefined) continue;
    const lines = scene.lines.map((line, j) => lineOutputs(line, texts[j], outputs[j] ?? [], j));
    const variants = sceneVariants(scene, out, lines, where);
    const files = unique ? variants.map((variant) => resolveSceneFile(scene, variant, where)) : [];
    resolver.sceneFiles(
      scene,
      variants.map((variant) => variant.out),
      files.filter((file): file is ResolvedScene => file !== undefined),
    );
  }
}

/** What a scene file needs of line `j`: whether it has languages or voices, and its outputs. */
function lineOutputs(
  line: AssetEntry,
  text: LineText | undefined,
  outputs: readonly (ResolvedAsset | undefined)[],
  j: number,
): SceneLineOutputs {
  const { out, voices } = line.values;
  const written = text?.written;
  return {
    byLanguage: (written !== INVALID && isTextMap(written)) || (typeof out === 'string' && out.includes(LANG)),
    voices: Array.isArray(voices) ? voices.filter((v): v is string => typeof v === 'string') : [],
    outputs,
    label: text?.id ?? `#${j + 1}`,
  };
}

/** The neighbours' written text that line `j` is sent with; undefined with `continuity: none`. */
function neighboursOf(scene: SceneEntry, texts: readonly (string | Invalid | undefined)[], j: number): Neighbours | undefined {
  if (scene.continuity === 'none') return undefined;
  const neighbours: Neighbours = {};
  const previous = texts[j - 1];
  const next = texts[j + 1];
  // an invalid `continuity` may be `none` or not: nothing sent is known then
  const known = (text: string | Invalid) => (scene.continuity === INVALID ? INVALID : text);
  if (previous !== undefined) neighbours.previous_text = known(previous);
  if (next !== undefined) neighbours.next_text = known(next);
  return neighbours;
}

/** A line's text as written, and the id its translations are keyed by. */
interface LineText {
  written: WrittenText;
  id: string | undefined;
}

/** A line's `text` as written (one text or a map), wherever on its chain it is set; INVALID when it cannot be known. */
function writtenText(layers: readonly Layer[]): WrittenText {
  const hit = pickField(layers, 'text');
  if (hit === UNKNOWN) return INVALID;
  const value = hit?.value;
  return typeof value === 'string' || (typeof value === 'object' && value !== null) ? (value as WrittenText) : undefined;
}

/** The id a line is declared with (its translations are keyed by it): its own, `<scene>.<n>`, else its `out`. */
function declaredId(line: AssetEntry | undefined, defaultId: string | undefined): string | undefined {
  const id = line?.values.id;
  const out = line?.values.out;
  return typeof id === 'string' ? id : (defaultId ?? (typeof out === 'string' ? out : undefined));
}

/** Records the scene's id; false when it is not a valid id or another scene has it (reported here). */
function claimSceneId(scene: SceneEntry, where: SceneFile): boolean {
  if (typeof scene.id !== 'string') return false;
  const path = ['scenes', scene.index, 'id'];
  const first = where.ids.get(scene.id);
  if (first === undefined) {
    where.ids.set(scene.id, { file: where.file, locate: where.locate, path });
    return true;
  }
  where.report(
    {
      file: where.file,
      ...where.locate(path),
      severity: 'error',
      code: 'E_DUPLICATE_SCENE',
      field: `scenes.${scene.index}.id`,
      message: `id: expected a unique scene id, found ${JSON.stringify(scene.id)}, already the id of the scene at ${first.file}:${first.locate(first.path).line}`,
    },
    true,
  );
  return false;
}
