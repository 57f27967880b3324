/**
 * Pure: a file's scenes → their lines as assets. Each line is a voice asset with the scene's
 * settings between it and its speaker, the id `<scene id>.<n>` unless it sets one, and — with
 * `continuity: neighbours`, the default — its neighbours' written text as `previous_text` and
 * `next_text` (the lexicon then respells them as it does the line's own text, once). Scene ids
 * are unique in the project.
 */
import type { Diagnostic } from '../errors.js';
import type { ResolvedAsset, ResolvedScene } from '../project.js';
import type { AssetEntry } from './content.js';
import { type Layer, pickField, UNKNOWN } from './defaults-chain.js';
import type { SceneEntry } from './dialogue-content.js';
import type { DocPath, Locate } from './position.js';
import { INVALID, type Invalid } from './salvage.js';
import { resolveSceneFile, sceneOutOf } from './scene-out.js';
import type { NeighbourField } from './sent-text.js';

/** An asset's levels of the chain; `blocked`: it must not resolve (an unknown speaker, reported). */
export interface AssetChain {
  layers: readonly Layer[];
  blocked: boolean;
}

export interface LineOptions {
  /** the id when the line sets none */
  defaultId?: string | undefined;
  /** the id to check for uniqueness when the line sets none; null: none that can be checked */
  claimedId?: string | null | undefined;
  neighbours?: Partial<Record<NeighbourField, string | Invalid>> | undefined;
}

/** What resolve.ts does for any asset of a file, which scenes use for their lines. */
export interface FileResolver {
  chain(entry: AssetEntry, path: DocPath, scene?: Layer): AssetChain;
  /** the resolved asset, undefined when it has a problem (reported) */
  resolve(entry: AssetEntry, chain: AssetChain, options?: LineOptions): ResolvedAsset | undefined;
  /** a scene's valid `out` (its claim on the path, checked with the assets'), and its scene file when it has one */
  sceneFile(scene: SceneEntry, out: string, file: ResolvedScene | undefined): void;
}

/** Scene ids seen so far in the project, and where. */
export type SceneIds = Map<string, { file: string; locate: Locate; path: DocPath }>;

export interface SceneFile {
  file: string;
  locate: Locate;
  ids: SceneIds;
  report: (diagnostic: Diagnostic, own: boolean) => void;
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
    const texts = chains.map((chain) => writtenText(chain.layers));
    const resolved: (ResolvedAsset | undefined)[] = [];
    for (const [j, line] of scene.lines.entries()) {
      const chain = chains[j];
      if (chain === undefined) continue;
      const defaultId = typeof scene.id === 'string' ? `${scene.id}.${j + 1}` : undefined;
      resolved.push(
        resolver.resolve(line, chain, {
          defaultId,
          claimedId: unique ? defaultId : null,
          neighbours: neighboursOf(scene, texts, j),
        }),
      );
    }
    const out = sceneOutOf(scene, where);
    if (out !== undefined) resolver.sceneFile(scene, out, unique ? resolveSceneFile(scene, out, resolved, where) : undefined);
  }
}

/** The neighbours' written text that line `j` is sent with; undefined with `continuity: none`. */
function neighboursOf(
  scene: SceneEntry,
  texts: readonly (string | Invalid | undefined)[],
  j: number,
): Partial<Record<NeighbourField, string | Invalid>> | undefined {
  if (scene.continuity === 'none') return undefined;
  const neighbours: Partial<Record<NeighbourField, string | Invalid>> = {};
  const previous = texts[j - 1];
  const next = texts[j + 1];
  // an invalid `continuity` may be `none` or not: nothing sent is known then
  const known = (text: string | Invalid) => (scene.continuity === INVALID ? INVALID : text);
  if (previous !== undefined) neighbours.previous_text = known(previous);
  if (next !== undefined) neighbours.next_text = known(next);
  return neighbours;
}

/** A line's `text` as written, wherever on its chain it is set; INVALID when it cannot be known. */
function writtenText(layers: readonly Layer[]): string | Invalid | undefined {
  const hit = pickField(layers, 'text');
  if (hit === UNKNOWN) return INVALID;
  return typeof hit?.value === 'string' ? hit.value : undefined;
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
