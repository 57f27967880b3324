/**
 * Pure: config and spec files → the resolved Project, with every cross-file problem (defaults
 * chain, duplicates, outputs that do not fit their format) reported at once. Files that failed
 * validation take part with what could be salvaged from them (content.ts), so their problems and
 * the rest of the project's are reported together.
 */
import type { Diagnostic } from '../errors.js';
import { type AssetKind, DEFAULT_MODELS, type Env, type Project, type ResolvedAsset, type ResolvedScene } from '../project.js';
import { type CastLevel, createCastScope, speakerLevel } from './cast.js';
import { type AssetEntry, type ConfigContent, type DefaultsContent, INVALID, type SpecContent } from './content.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import type { LexiconContent } from './dialogue-content.js';
import type { Localization } from './language-text.js';
import type { DocPath, Locate } from './position.js';
import type { AssetContext, FallbackModel, Layer } from './resolve-asset.js';
import { checkEnv, resolveConfig } from './resolve-config.js';
import { resolveOutputs } from './resolve-outputs.js';
import type { PostSource } from './resolve-post.js';
import { type FileResolver, resolveScenes, type SceneIds } from './resolve-scenes.js';
import { checkSceneSubtitles } from './scene-out.js';
import type { ConfigInput } from './schema.js';
import type { TranslationTable } from './translations.js';
import { type Claim, checkUnique } from './uniqueness.js';
import { unusedTranslations } from './unused-translations.js';

export interface SpecSource {
  /** absolute */
  path: string;
  /** as the user should see it (relative to the working directory) */
  display: string;
  content: SpecContent;
  locate: Locate;
}

export interface ResolveInput {
  /** absolute */
  configPath: string;
  /** absolute: the config's folder */
  rootDir: string;
  /** the config path as the user should see it */
  configDisplay: string;
  /** present when the config is valid; no Project is resolved without it */
  config?: ConfigInput;
  configContent: ConfigContent;
  configLocate: Locate;
  env: Env;
  specs: readonly SpecSource[];
  /** translations from string and translations tables (STRINGS reads them); default: none */
  translations?: TranslationTable;
}

/** An asset whose `out` is valid, and where it is written (for checks on the file system). */
export type Output = Claim & { out: string };

export interface ResolveResult {
  /** present when the config and every spec file are valid and there are no errors */
  project?: Project;
  /** errors and warnings, sorted by file, line and column */
  diagnostics: Diagnostic[];
  /** every asset with a valid `out`, valid or not otherwise, in declaration order */
  outputs: Output[];
}

export function resolveProject(input: ResolveInput): ResolveResult {
  const resolved =
    input.config === undefined
      ? undefined
      : resolveConfig({
          configPath: input.configPath,
          rootDir: input.rootDir,
          display: input.configDisplay,
          config: input.config,
          locate: input.configLocate,
          env: input.env,
        });
  const diagnostics = resolved?.diagnostics ?? checkEnv({ display: input.configDisplay, locate: input.configLocate, env: input.env });
  const scope: FileScope = {
    configLayers: { voice: configLayer(input, 'voice'), effect: configLayer(input, 'effect') },
    fallbackModels: { voice: fallbackModel(input, 'voice'), effect: fallbackModel(input, 'effect') },
    configCast: { content: input.configContent.cast, file: input.configDisplay, locate: input.configLocate },
    configLexicon: input.configContent.lexicon,
    configPost: { value: input.configContent.post, file: input.configDisplay, locate: input.configLocate },
    report: createReport(diagnostics),
    l10n: {
      languages: input.configContent.languages ?? [],
      missing: input.configContent.missing,
      table: input.translations ?? new Map(),
    },
    found: { assets: [], claims: [], outputs: [], scenes: new Map(), sceneFiles: [] },
  };

  const configFile = { file: input.configDisplay, locate: input.configLocate, content: input.configContent };
  resolveFile(scope, { ...configFile, defaults: undefined, own: false });
  const specs = [...input.specs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const source of specs) {
    resolveFile(scope, {
      file: source.display,
      locate: source.locate,
      content: source.content,
      defaults: source.content.defaults,
      own: true,
    });
  }
  const { assets, claims, outputs } = scope.found;
  diagnostics.push(...checkUnique(claims), ...checkSceneSubtitles(scope.found.sceneFiles, assets));
  // with errors some assets did not resolve: their translations are not unused
  if (!hasErrors(diagnostics)) diagnostics.push(...unusedTranslations(scope.l10n.table, assets));

  const sorted = sortDiagnostics(diagnostics);
  const complete = input.configContent.valid && specs.every((s) => s.content.valid);
  if (resolved === undefined || !complete || hasErrors(sorted)) return { diagnostics: sorted, outputs };
  return {
    project: {
      config: resolved.config,
      assets,
      specFiles: specs.map((s) => s.path),
      warnings: sorted,
      ...(scope.found.sceneFiles.length > 0 ? { scenes: scope.found.sceneFiles } : {}),
    },
    diagnostics: sorted,
    outputs,
  };
}

type Report = AssetContext['report'];

/** One file's assets, and what they inherit besides the config's defaults. */
interface AssetFile {
  file: string;
  locate: Locate;
  content: SpecContent;
  /** the file's own `defaults` (config assets have none besides the config's) */
  defaults: DefaultsContent | undefined;
  /** the file's own cast and lexicon (config assets have only the config's) */
  own: boolean;
}

/** What the assets of every file share, and what resolving them has found so far. */
interface FileScope {
  /** the config's level of the chain, the last one */
  configLayers: Record<AssetKind, Layer>;
  fallbackModels: Record<AssetKind, FallbackModel | undefined>;
  /** the config's cast, the level under a spec file's own */
  configCast: CastLevel;
  configLexicon: LexiconContent;
  /** the config's `post:` */
  configPost: PostSource;
  report: Report;
  l10n: Localization;
  found: { assets: ResolvedAsset[]; claims: Claim[]; outputs: Output[]; scenes: SceneIds; sceneFiles: ResolvedScene[] };
}

/** Adds diagnostics to `diagnostics`, those not written on the asset itself once per location. */
function createReport(diagnostics: Diagnostic[]): Report {
  const sharedReported = new Set<string>();
  return (diagnostic, own) => {
    if (!own) {
      // a bad value in defaults is one problem, however many assets inherit it
      const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}:${diagnostic.code}`;
      if (sharedReported.has(key)) return;
      sharedReported.add(key);
    }
    diagnostics.push(diagnostic);
  };
}

/** Resolves each asset and scene line of the file through its chain, and records its claims on `out` and `id`. */
function resolveFile(scope: FileScope, source: AssetFile): void {
  const { file, locate, defaults, content } = source;
  const fileLayers: Record<AssetKind, Layer | undefined> = {
    voice: defaults === undefined ? undefined : defaultsLayer(defaults, 'voice', file, locate),
    effect: defaults === undefined ? undefined : defaultsLayer(defaults, 'effect', file, locate),
  };
  const cast = createCastScope(source.own ? [scope.configCast, { content: content.cast, file, locate }] : [scope.configCast]);
  const lexicon = source.own ? { ...scope.configLexicon.entries, ...content.lexicon.entries } : scope.configLexicon.entries;
  const resolver: FileResolver = {
    chain(entry, path, scene) {
      const kind = entry.kind;
      const own: Layer = { values: entry.values, incomplete: entry.incomplete, file, locate, path, fieldPrefix: '' };
      const layers: Layer[] = [own];
      if (kind !== 'voice') return { layers: kind === undefined ? layers : [...layers, ...kindLayers(kind)], blocked: false };
      if (scene !== undefined) layers.push(scene);
      const speaker = speakerLevel(own, cast, entry.label, scope.report);
      if (speaker.layer !== undefined) layers.push(speaker.layer);
      return { layers: [...layers, ...kindLayers(kind)], blocked: speaker.blocked, speaker: speaker.blocked ? undefined : speaker.layer };
    },
    resolve(entry, chain, options = {}) {
      const kind = entry.kind;
      const base: AssetContext = {
        entry,
        layers: chain.layers,
        fallbackModel: kind === undefined ? undefined : scope.fallbackModels[kind],
        report: scope.report,
        defaultId: options.defaultId,
        blocked: chain.blocked,
        text: { lexicon },
        post: source.own ? [{ value: content.post, file, locate }, scope.configPost] : [scope.configPost],
      };
      const path = chain.layers[0]?.path ?? [];
      const outputs = resolveOutputs({ base, speaker: chain.speaker, l10n: scope.l10n, neighbours: options.neighbours });
      for (const one of outputs) {
        if (one.asset !== undefined) scope.found.assets.push(one.asset);
        addClaim(scope.found, one.entry, one.out, { file, locate, path }, options.claimedId);
      }
      return outputs.map((one) => one.asset);
    },
    sceneFiles(scene, outs, sceneFiles) {
      // a scene file may not be any asset's output, nor another scene's: the same check as theirs
      const label = typeof scene.id === 'string' ? `scene ${scene.id}` : `scene #${scene.index + 1}`;
      for (const out of outs) scope.found.claims.push({ out, explicitId: false, label, file, locate, path: ['scenes', scene.index] });
      scope.found.sceneFiles.push(...sceneFiles);
    },
  };
  const kindLayers = (kind: AssetKind): Layer[] => {
    const fileLayer = fileLayers[kind];
    return fileLayer === undefined ? [scope.configLayers[kind]] : [fileLayer, scope.configLayers[kind]];
  };
  for (const entry of content.assets) resolver.resolve(entry, resolver.chain(entry, ['assets', entry.index]));
  resolveScenes(content.scenes, { file, locate, ids: scope.found.scenes, report: scope.report, l10n: scope.l10n }, resolver);
}

/** The asset's claim on its `out` and `id`, for the uniqueness check; a valid `out` is also an Output. */
function addClaim(
  found: FileScope['found'],
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
function defaultsLayer(defaults: DefaultsContent, kind: AssetKind, file: string, locate: Locate): Layer | undefined {
  const level = defaults[kind];
  return level === undefined
    ? undefined
    : { values: level.values, incomplete: level.incomplete, file, locate, path: ['defaults', kind], fieldPrefix: `defaults.${kind}.` };
}

/** The config's level of the chain for `kind`, the last one every asset of that kind inherits. */
function configLayer(input: ResolveInput, kind: AssetKind): Layer {
  return defaultsLayer(input.configContent.defaults, kind, input.configDisplay, input.configLocate) ?? emptyConfigLayer(input, kind);
}

/** The config's level of the chain when it sets no defaults for `kind`. */
function emptyConfigLayer(input: ResolveInput, kind: AssetKind): Layer {
  return {
    values: undefined,
    file: input.configDisplay,
    locate: input.configLocate,
    path: ['defaults', kind],
    fieldPrefix: `defaults.${kind}.`,
  };
}

/**
 * The model of a kind when no level of the chain names one: the config's `models`, else the
 * built-in one; undefined when `models` says something that failed validation.
 */
function fallbackModel(input: ResolveInput, kind: AssetKind): FallbackModel | undefined {
  const models = input.configContent.models;
  const value = models?.values[kind];
  if (value === INVALID) return undefined;
  if (typeof value === 'string') {
    const path = ['models', kind];
    return { slug: value, origin: { file: input.configDisplay, locate: input.configLocate, path, field: path.join('.'), own: false } };
  }
  if (models?.incomplete === true) return undefined;
  return { slug: DEFAULT_MODELS[kind] };
}
