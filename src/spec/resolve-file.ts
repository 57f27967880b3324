/**
 * Pure: one file's assets and scenes, resolved against what every file shares (the config's
 * defaults, cast, lexicon, post chains and localization). A file's record depends on nothing in
 * any other file, so watch mode can resolve the one file a save changed and splice its record in
 * (spec/load-update.ts); what is checked across files (uniqueness, scene subtitles, unused
 * translations) runs over all records in resolve.ts.
 */
import type { Diagnostic } from '../errors.js';
import type { AssetKind, ResolvedAsset, ResolvedScene } from '../project.js';
import { type CastLevel, createCastScope, speakerLevel } from './cast.js';
import { type AssetEntry, type DefaultsContent, INVALID, type SpecContent } from './content.js';
import type { LexiconContent } from './dialogue-content.js';
import type { Localization } from './language-text.js';
import type { DocPath, Locate } from './position.js';
import type { AssetContext, FallbackModel, Layer } from './resolve-asset.js';
import { resolveOutputs } from './resolve-outputs.js';
import type { PostSource } from './resolve-post.js';
import { type FileResolver, resolveScenes, type SceneIds } from './resolve-scenes.js';
import type { Claim } from './uniqueness.js';

/** An asset whose `out` is valid, and where it is written (for checks on the file system). */
export type Output = Claim & { out: string };

/** What the assets of every file share. */
export interface FileScope {
  /** the config's level of the chain, the last one */
  configLayers: Record<AssetKind, Layer>;
  fallbackModels: Record<AssetKind, FallbackModel | undefined>;
  /** the config's cast, the level under a spec file's own */
  configCast: CastLevel;
  configLexicon: LexiconContent;
  /** the config's `post:` */
  configPost: PostSource;
  l10n: Localization;
}

/** One file's assets, and what they inherit besides the config's defaults. */
export interface AssetFile {
  file: string;
  locate: Locate;
  content: SpecContent;
  /** the file's own `defaults` (config assets have none besides the config's) */
  defaults: DefaultsContent | undefined;
  /** the file's own cast and lexicon (config assets have only the config's) */
  own: boolean;
}

/** What one reported problem was: a diagnostic not written on the asset itself is reported once per location (resolve.ts). */
export interface FileReport {
  diagnostic: Diagnostic;
  own: boolean;
}

/** What resolving one file found, in declaration order. */
export interface FileRecord {
  assets: ResolvedAsset[];
  claims: Claim[];
  outputs: Output[];
  sceneFiles: ResolvedScene[];
  /** scene ids the file claimed (ids already in `sceneIds` when it was resolved are reported as duplicates instead) */
  sceneIds: string[];
  reports: FileReport[];
}

/**
 * Resolves each asset and scene line of the file through its chain, and records its claims on
 * `out` and `id`. `sceneIds`: the scene ids of the files resolved before it, when they are known
 * (a fresh map otherwise: duplicates across files are then resolve.ts's to find).
 */
export function resolveFileRecord(scope: FileScope, source: AssetFile, sceneIds: SceneIds = new Map()): FileRecord {
  const { file, locate, defaults, content } = source;
  const found: FileRecord = { assets: [], claims: [], outputs: [], sceneFiles: [], sceneIds: [], reports: [] };
  const report = (diagnostic: Diagnostic, own: boolean) => void found.reports.push({ diagnostic, own });
  const fileLayers: Record<AssetKind, Layer | undefined> = {
    voice: defaults === undefined ? undefined : defaultsLayer(defaults, 'voice', file, locate),
    effect: defaults === undefined ? undefined : defaultsLayer(defaults, 'effect', file, locate),
  };
  const cast = createCastScope(source.own ? [scope.configCast, { content: content.cast, file, locate }] : [scope.configCast]);
  const lexicon = source.own ? { ...scope.configLexicon.entries, ...content.lexicon.entries } : scope.configLexicon.entries;
  const kindLayers = (kind: AssetKind): Layer[] => {
    const fileLayer = fileLayers[kind];
    return fileLayer === undefined ? [scope.configLayers[kind]] : [fileLayer, scope.configLayers[kind]];
  };
  const resolver: FileResolver = {
    chain(entry, path, scene) {
      const kind = entry.kind;
      const own: Layer = { values: entry.values, incomplete: entry.incomplete, file, locate, path, fieldPrefix: '' };
      const layers: Layer[] = [own];
      if (kind !== 'voice') return { layers: kind === undefined ? layers : [...layers, ...kindLayers(kind)], blocked: false };
      if (scene !== undefined) layers.push(scene);
      const speaker = speakerLevel(own, cast, entry.label, report);
      if (speaker.layer !== undefined) layers.push(speaker.layer);
      return { layers: [...layers, ...kindLayers(kind)], blocked: speaker.blocked, speaker: speaker.blocked ? undefined : speaker.layer };
    },
    resolve(entry, chain, options = {}) {
      const kind = entry.kind;
      const base: AssetContext = {
        entry,
        layers: chain.layers,
        fallbackModel: kind === undefined ? undefined : scope.fallbackModels[kind],
        report,
        defaultId: options.defaultId,
        blocked: chain.blocked,
        text: { lexicon },
        post: source.own ? [{ value: content.post, file, locate }, scope.configPost] : [scope.configPost],
      };
      const path = chain.layers[0]?.path ?? [];
      const outputs = resolveOutputs({ base, speaker: chain.speaker, l10n: scope.l10n, neighbours: options.neighbours });
      for (const one of outputs) {
        if (one.asset !== undefined) found.assets.push(one.asset);
        addClaim(found, one.entry, one.out, { file, locate, path }, options.claimedId);
      }
      return outputs.map((one) => one.asset);
    },
    sceneFiles(scene, outs, sceneFiles) {
      // a scene file may not be any asset's output, nor another scene's: the same check as theirs
      const label = typeof scene.id === 'string' ? `scene ${scene.id}` : `scene #${scene.index + 1}`;
      for (const out of outs) {
        const claim: Output = { out, explicitId: false, label, file, locate, path: ['scenes', scene.index] };
        // …and it is written under outDir like them: checked for folders that leave it (load.ts)
        found.claims.push(claim);
        found.outputs.push(claim);
      }
      found.sceneFiles.push(...sceneFiles);
    },
  };
  for (const entry of content.assets) resolver.resolve(entry, resolver.chain(entry, ['assets', entry.index]));
  const before = new Set(sceneIds.keys());
  resolveScenes(content.scenes, { file, locate, ids: sceneIds, report, l10n: scope.l10n }, resolver);
  for (const id of sceneIds.keys()) if (!before.has(id)) found.sceneIds.push(id);
  return found;
}

/** The asset's claim on its `out` and `id`, for the uniqueness check; a valid `out` is also an Output. */
function addClaim(
  found: FileRecord,
  entry: AssetEntry,
  out: string | undefined,
  where: { file: string; locate: Locate; path: DocPath },
  /** the id a scene line defaults to; null: it defaults to one that cannot be checked (a duplicate scene's) */
  lineId?: string | null,
): void {
  const { file, locate, path } = where;
  const rawId = entry.values.id;
  const explicitId = typeof rawId === 'string' || typeof lineId === 'string';
  // an invalid id (reported already) is left out of the id check; a null one defaults to out
  const id = typeof rawId === 'string' ? rawId : rawId === INVALID || lineId === null ? undefined : (lineId ?? out);
  if (out !== undefined) {
    const claim: Output = { out, explicitId, label: entry.label, file, locate, path };
    if (id !== undefined) claim.id = id;
    found.claims.push(claim);
    found.outputs.push(claim);
  } else if (id !== undefined) {
    found.claims.push({ id, explicitId, label: entry.label, file, locate, path });
  }
}

/** A `defaults` map's level of the chain for `kind`; undefined when it sets no defaults for it. */
export function defaultsLayer(defaults: DefaultsContent, kind: AssetKind, file: string, locate: Locate): Layer | undefined {
  const level = defaults[kind];
  return level === undefined
    ? undefined
    : { values: level.values, incomplete: level.incomplete, file, locate, path: ['defaults', kind], fieldPrefix: `defaults.${kind}.` };
}
