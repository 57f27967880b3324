/**
 * Pure: validated config and spec files → the resolved Project, with every cross-file problem
 * (defaults chain, duplicates, outputs that do not fit their format) reported at once.
 */
import type { Diagnostic } from '../errors.js';
import type { AssetKind, Project, ResolvedAsset } from '../project.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { assetLabel } from './label.js';
import type { Locate } from './position.js';
import { resolveAsset, type Layer } from './resolve-asset.js';
import { resolveConfig, type Env } from './resolve-config.js';
import type { AssetInput, ConfigInput, DefaultsInput, SpecFileInput } from './schema.js';
import { checkUnique, type Claim } from './uniqueness.js';

export interface SpecSource {
  /** absolute */
  path: string;
  /** as the user should see it (relative to the working directory) */
  display: string;
  spec: SpecFileInput;
  locate: Locate;
  /** original index of each entry of `spec.assets` when invalid assets were left out (see parse.ts) */
  assetIndexes?: readonly number[];
}

export interface ResolveInput {
  /** absolute */
  configPath: string;
  /** absolute: the config's folder */
  rootDir: string;
  /** the config path as the user should see it */
  configDisplay: string;
  config: ConfigInput;
  configLocate: Locate;
  configAssetIndexes?: readonly number[];
  env: Env;
  specs: readonly SpecSource[];
}

export interface ResolveResult {
  /** present when there are no errors */
  project?: Project;
  /** errors and warnings, sorted by file, line and column */
  diagnostics: Diagnostic[];
}

export function resolveProject(input: ResolveInput): ResolveResult {
  const resolved = resolveConfig({
    configPath: input.configPath,
    rootDir: input.rootDir,
    display: input.configDisplay,
    config: input.config,
    locate: input.configLocate,
    env: input.env,
  });
  const diagnostics = [...resolved.diagnostics];
  const sharedReported = new Set<string>();
  const report = (diagnostic: Diagnostic, own: boolean) => {
    if (!own) {
      // a bad value in defaults is one problem, however many assets inherit it
      const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}:${diagnostic.code}`;
      if (sharedReported.has(key)) return;
      sharedReported.add(key);
    }
    diagnostics.push(diagnostic);
  };

  const configLayer = (kind: AssetKind): Layer => ({
    values: input.config.defaults?.[kind],
    file: input.configDisplay,
    locate: input.configLocate,
    path: ['defaults', kind],
    fieldPrefix: `defaults.${kind}.`,
  });
  const fallbackModel = (kind: AssetKind) => {
    const path = resolved.modelPaths[kind];
    return {
      slug: resolved.config.models[kind],
      ...(path === undefined
        ? {}
        : {
            origin: { file: input.configDisplay, locate: input.configLocate, path, field: path.join('.'), own: false },
          }),
    };
  };

  const assets: ResolvedAsset[] = [];
  const claims: Claim[] = [];
  const addFile = (
    file: string,
    locate: Locate,
    list: readonly AssetInput[],
    /** the file's own `defaults` (config assets have none besides the config's) */
    fileDefaults: DefaultsInput | null | undefined,
    indexes: readonly number[] | undefined,
  ) => {
    for (const [position, asset] of list.entries()) {
      const index = indexes?.[position] ?? position;
      const label = assetLabel(asset, index);
      const path = ['assets', index];
      const layers: Layer[] = [
        { values: asset, file, locate, path, fieldPrefix: '' },
        ...(fileDefaults == null
          ? []
          : [{ values: fileDefaults[asset.kind], file, locate, path: ['defaults', asset.kind], fieldPrefix: `defaults.${asset.kind}.` }]),
        configLayer(asset.kind),
      ];
      const one = resolveAsset({ asset, index, label, layers, fallbackModel: fallbackModel(asset.kind), report });
      if (one.asset !== undefined) assets.push(one.asset);
      if (one.out !== undefined) {
        claims.push({ out: one.out, id: asset.id ?? one.out, explicitId: asset.id != null, label, file, locate, path });
      }
    }
  };

  addFile(input.configDisplay, input.configLocate, input.config.assets ?? [], undefined, input.configAssetIndexes);
  const specs = [...input.specs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const source of specs) {
    addFile(source.display, source.locate, source.spec.assets, source.spec.defaults, source.assetIndexes);
  }
  diagnostics.push(...checkUnique(claims));

  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { diagnostics: sorted };
  return {
    project: {
      config: resolved.config,
      assets,
      specFiles: specs.map((s) => s.path),
      warnings: sorted,
    },
    diagnostics: sorted,
  };
}
