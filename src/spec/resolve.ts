/**
 * Pure: config and spec files → the resolved Project, with every cross-file problem (defaults
 * chain, duplicates, outputs that do not fit their format) reported at once. Files that failed
 * validation take part with what could be salvaged from them (content.ts), so their problems and
 * the rest of the project's are reported together.
 */
import type { Diagnostic } from '../errors.js';
import { type AssetKind, DEFAULT_MODELS, type Env, type Project, type ResolvedAsset } from '../project.js';
import { type AssetEntry, type ConfigContent, type DefaultsContent, INVALID, type SpecContent } from './content.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import type { DocPath, Locate } from './position.js';
import { type AssetContext, type FallbackModel, type Layer, resolveAsset } from './resolve-asset.js';
import { checkEnv, resolveConfig } from './resolve-config.js';
import type { ConfigInput } from './schema.js';
import { type Claim, checkUnique } from './uniqueness.js';

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
    report: createReport(diagnostics),
    found: { assets: [], claims: [], outputs: [] },
  };

  resolveFile(scope, { file: input.configDisplay, locate: input.configLocate, content: input.configContent, defaults: undefined });
  const specs = [...input.specs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const source of specs) {
    resolveFile(scope, { file: source.display, locate: source.locate, content: source.content, defaults: source.content.defaults });
  }
  const { assets, claims, outputs } = scope.found;
  diagnostics.push(...checkUnique(claims));

  const sorted = sortDiagnostics(diagnostics);
  const complete = input.configContent.valid && specs.every((s) => s.content.valid);
  if (resolved === undefined || !complete || hasErrors(sorted)) return { diagnostics: sorted, outputs };
  return {
    project: {
      config: resolved.config,
      assets,
      specFiles: specs.map((s) => s.path),
      warnings: sorted,
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
}

/** What the assets of every file share, and what resolving them has found so far. */
interface FileScope {
  /** the config's level of the chain, the last one */
  configLayers: Record<AssetKind, Layer>;
  fallbackModels: Record<AssetKind, FallbackModel | undefined>;
  report: Report;
  found: { assets: ResolvedAsset[]; claims: Claim[]; outputs: Output[] };
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

/** Resolves each asset of the file through its chain, and records its claims on `out` and `id`. */
function resolveFile(scope: FileScope, source: AssetFile): void {
  const { file, locate, defaults } = source;
  const fileLayers: Record<AssetKind, Layer | undefined> = {
    voice: defaults === undefined ? undefined : defaultsLayer(defaults, 'voice', file, locate),
    effect: defaults === undefined ? undefined : defaultsLayer(defaults, 'effect', file, locate),
  };
  for (const entry of source.content.assets) {
    const path = ['assets', entry.index];
    const kind = entry.kind;
    const own: Layer = { values: entry.values, incomplete: entry.incomplete, file, locate, path, fieldPrefix: '' };
    const layers: Layer[] = [own];
    if (kind !== undefined) {
      const fileLayer = fileLayers[kind];
      if (fileLayer !== undefined) layers.push(fileLayer);
      layers.push(scope.configLayers[kind]);
    }
    const one = resolveAsset({
      entry,
      layers,
      fallbackModel: kind === undefined ? undefined : scope.fallbackModels[kind],
      report: scope.report,
    });
    if (one.asset !== undefined) scope.found.assets.push(one.asset);
    addClaim(scope.found, entry, one.out, { file, locate, path });
  }
}

/** The asset's claim on its `out` and `id`, for the uniqueness check; a valid `out` is also an Output. */
function addClaim(
  found: FileScope['found'],
  entry: AssetEntry,
  out: string | undefined,
  where: { file: string; locate: Locate; path: DocPath },
): void {
  const { file, locate, path } = where;
  const rawId = entry.values.id;
  const explicitId = typeof rawId === 'string';
  // an invalid id (reported already) is left out of the id check; a null one defaults to out
  const id = explicitId ? rawId : rawId === INVALID ? undefined : out;
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
