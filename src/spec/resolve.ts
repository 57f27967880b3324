/**
 * Pure: config and spec files → the resolved Project, with every cross-file problem (defaults
 * chain, duplicates, outputs that do not fit their format) reported at once. Files that failed
 * validation take part with what could be salvaged from them (content.ts), so their problems and
 * the rest of the project's are reported together.
 */
import type { Diagnostic } from '../errors.js';
import { type AssetKind, DEFAULT_MODELS, type Env, type Project } from '../project.js';
import { type ConfigContent, INVALID, type SpecContent } from './content.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import type { Locate } from './position.js';
import type { AssetContext, FallbackModel, Layer } from './resolve-asset.js';
import { checkEnv, resolveConfig } from './resolve-config.js';
import { defaultsLayer, type FileRecord, type FileScope, type Output, resolveFileRecord } from './resolve-file.js';
import type { SceneIds } from './resolve-scenes.js';
import { checkSceneSubtitles } from './scene-out.js';
import type { ConfigInput } from './schema.js';
import type { TranslationTable } from './translations.js';
import { checkUnique } from './uniqueness.js';
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

export type { Output } from './resolve-file.js';

export interface ResolveResult {
  /** present when the config and every spec file are valid and there are no errors */
  project?: Project;
  /** errors and warnings, sorted by file, line and column */
  diagnostics: Diagnostic[];
  /** every asset with a valid `out`, valid or not otherwise, in declaration order */
  outputs: Output[];
  /** the config's record and the spec files', in order: `outputs` is theirs, one after the other */
  records: readonly FileRecord[];
}

export function resolveProject(input: ResolveInput): ResolveResult {
  const scope = createResolveScope(input);
  const specs = sortSources(input.specs);
  return assembleProject(
    scope,
    specs.map((source) => ({ source, record: resolveSpecRecord(scope, source) })),
  );
}

/** What every file of a project resolves against, and the config's own diagnostics and assets. */
export interface ResolveScope {
  input: Omit<ResolveInput, 'specs'>;
  resolved: ReturnType<typeof resolveConfig> | undefined;
  /** the config's problems (or the environment's, when the config is not valid) */
  configDiagnostics: Diagnostic[];
  files: FileScope;
  /** the assets declared in the config itself */
  configRecord: FileRecord;
  /** the scene ids the config itself claims, with where */
  configSceneIds: SceneIds;
}

export function createResolveScope(input: Omit<ResolveInput, 'specs'>): ResolveScope {
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
  const configDiagnostics = resolved?.diagnostics ?? checkEnv({ display: input.configDisplay, locate: input.configLocate, env: input.env });
  const files: FileScope = {
    configLayers: { voice: configLayer(input, 'voice'), effect: configLayer(input, 'effect') },
    fallbackModels: { voice: fallbackModel(input, 'voice'), effect: fallbackModel(input, 'effect') },
    configCast: { content: input.configContent.cast, file: input.configDisplay, locate: input.configLocate },
    configLexicon: input.configContent.lexicon,
    configPost: { value: input.configContent.post, file: input.configDisplay, locate: input.configLocate },
    l10n: {
      languages: input.configContent.languages ?? [],
      missing: input.configContent.missing,
      table: input.translations ?? new Map(),
    },
  };
  const configFile = { file: input.configDisplay, locate: input.configLocate, content: input.configContent };
  const configSceneIds: SceneIds = new Map();
  const configRecord = resolveFileRecord(files, { ...configFile, defaults: undefined, own: false }, configSceneIds);
  return { input, resolved, configDiagnostics, files, configRecord, configSceneIds };
}

/** One spec file's record, on its own (its scene ids checked against other files' in assembleProject). */
export function resolveSpecRecord(scope: ResolveScope, source: SpecSource, sceneIds?: SceneIds): FileRecord {
  const asset = { file: source.display, locate: source.locate, content: source.content, defaults: source.content.defaults, own: true };
  return resolveFileRecord(scope.files, asset, sceneIds);
}

/** Spec files in the order they resolve in: by path. */
export function sortSources<T extends { path: string }>(specs: readonly T[]): T[] {
  return [...specs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A spec file and what resolving it found. */
export interface ResolvedSpec {
  source: SpecSource;
  record: FileRecord;
}

/**
 * The project from every file's record (spec files sorted by path), with the checks across files.
 * Records resolved apart know nothing of each other's scene ids: where two files claim one, the
 * spec files are resolved again in order, so the second is reported as a duplicate, as it is
 * when they are resolved together.
 */
export function assembleProject(
  scope: ResolveScope,
  resolvedSpecs: readonly ResolvedSpec[],
  /** the uniqueness check over the records' claims (watch mode's keeps counts between saves: claim-index.ts) */
  checkClaims: (records: readonly FileRecord[]) => Diagnostic[] = (records) => checkUnique(records.flatMap((r) => r.claims)),
): ResolveResult {
  const specs = distinctSceneIds(scope, resolvedSpecs) ? resolvedSpecs : resolveTogether(scope, resolvedSpecs);
  const records = [scope.configRecord, ...specs.map((s) => s.record)];
  const diagnostics = [...scope.configDiagnostics];
  const report = createReport(diagnostics);
  for (const record of records) for (const r of record.reports) report(r.diagnostic, r.own);
  const assets = records.flatMap((r) => r.assets);
  const sceneFiles = records.flatMap((r) => r.sceneFiles);
  const outputs = records.flatMap((r) => r.outputs);
  diagnostics.push(...checkClaims(records), ...checkSceneSubtitles(sceneFiles, assets));
  // with errors some assets did not resolve: their translations are not unused
  if (!hasErrors(diagnostics)) diagnostics.push(...unusedTranslations(scope.files.l10n.table, assets));

  const sorted = sortDiagnostics(diagnostics);
  const complete = scope.input.configContent.valid && specs.every((s) => s.source.content.valid);
  if (scope.resolved === undefined || !complete || hasErrors(sorted)) return { diagnostics: sorted, outputs, records };
  return {
    project: {
      config: scope.resolved.config,
      assets,
      specFiles: specs.map((s) => s.source.path),
      warnings: sorted,
      ...(sceneFiles.length > 0 ? { scenes: sceneFiles } : {}),
    },
    diagnostics: sorted,
    outputs,
    records,
  };
}

/** No scene id is claimed by two files (nor by a file and the config). */
function distinctSceneIds(scope: ResolveScope, specs: readonly ResolvedSpec[]): boolean {
  const records = [scope.configRecord, ...specs.map((s) => s.record)];
  const seen = new Set<string>();
  let total = 0;
  for (const record of records) {
    total += record.sceneIds.length;
    for (const id of record.sceneIds) seen.add(id);
  }
  return seen.size === total;
}

/** The spec files resolved in order with one map of scene ids (the config's first), as one load does. */
function resolveTogether(scope: ResolveScope, specs: readonly ResolvedSpec[]): ResolvedSpec[] {
  const ids: SceneIds = new Map(scope.configSceneIds);
  return specs.map(({ source }) => ({ source, record: resolveSpecRecord(scope, source, ids) }));
}

type Report = AssetContext['report'];

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

/** The config's level of the chain for `kind`, the last one every asset of that kind inherits. */
function configLayer(input: Omit<ResolveInput, 'specs'>, kind: AssetKind): Layer {
  return defaultsLayer(input.configContent.defaults, kind, input.configDisplay, input.configLocate) ?? emptyConfigLayer(input, kind);
}

/** The config's level of the chain when it sets no defaults for `kind`. */
function emptyConfigLayer(input: Omit<ResolveInput, 'specs'>, kind: AssetKind): Layer {
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
function fallbackModel(input: Omit<ResolveInput, 'specs'>, kind: AssetKind): FallbackModel | undefined {
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
