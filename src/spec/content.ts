/**
 * Pure: what the resolver works from. A config or spec file that passed validation maps onto
 * this directly; one that did not is salvaged part by part (the file's `defaults` per kind and
 * field, each asset per field), so the checks that do not need the broken parts — the `out`
 * checks, duplicates, the defaults chain of the assets that are fine — still run and every
 * problem is reported at once. Values that failed validation are kept as INVALID: they were
 * written (so nothing is "missing"), but nothing may be concluded from them.
 */

import { isRecord } from '../is-record.js';
import type { AssetKind } from '../project.js';
import { type DialogueContent, dialogueContent, salvageDialogue } from './dialogue-content.js';
import { assetLabel } from './label.js';
import { MISSING_POLICIES, type MissingPolicy } from './languages.js';
import type { PostDefaultsInput } from './post-schema.js';
import { hasUnknownKeys, INVALID, type Invalid, type Shape, salvageMap, salvageObject, salvageValue, type Values } from './salvage.js';
import {
  AssetSchema,
  type ConfigInput,
  ConfigSchema,
  type DefaultsInput,
  EffectAssetSchema,
  EffectDefaultsSchema,
  ModelsSchema,
  type SpecFileInput,
  SpecFileSchema,
  VoiceAssetSchema,
  VoiceDefaultsSchema,
} from './schema.js';

export { INVALID, type Invalid, type Values };

export type DefaultsContent = Partial<Record<AssetKind, Values>>;

export interface AssetEntry extends Values {
  /** position in the file's `assets` */
  index: number;
  /** undefined when `kind` is missing or invalid */
  kind?: AssetKind;
  /** whether the whole asset passed validation (only then are the checks of the defaults chain run) */
  valid: boolean;
  /** how diagnostics name it: `id`, else `out`, else `#<index>`, as written */
  label: string;
}

export interface SpecContent extends DialogueContent {
  /** the whole file passed validation */
  valid: boolean;
  defaults: DefaultsContent;
  /** the file's `post:` (chains per kind); INVALID when it failed validation */
  post: PostDefaultsInput | Invalid;
  assets: AssetEntry[];
}

export interface ConfigContent extends SpecContent {
  /** undefined: no spec files */
  include: readonly string[] | undefined | Invalid;
  outDir: string | Invalid;
  cacheDir: string | Invalid;
  /** the config's `models` map */
  models: Values | undefined;
  /** the config's `languages` (source first); undefined: a single-language project */
  languages: readonly string[] | undefined | Invalid;
  /** `localization.missing`; INVALID when it failed validation */
  missing: MissingPolicy | Invalid;
}

export function specContent(spec: SpecFileInput): SpecContent {
  return {
    valid: true,
    defaults: defaultsContent(spec.defaults),
    post: spec.post,
    assets: assetEntries(spec.assets ?? []),
    ...dialogueContent(spec),
  };
}

export function configContent(config: ConfigInput): ConfigContent {
  return {
    // the keys a config shares with spec files (schema.ts CONTENT_SHAPE), then its own
    ...specContent(config),
    include: config.include,
    outDir: config.outDir,
    cacheDir: config.cacheDir,
    models: config.models == null ? undefined : { values: config.models, incomplete: false },
    languages: config.languages,
    missing: config.localization.missing,
  };
}

/** A spec file that failed validation: every part that can still be checked. */
export function salvageSpec(data: unknown): SpecContent | undefined {
  if (!isRecord(data)) return undefined;
  const rootIncomplete = hasUnknownKeys(data, SpecFileSchema.shape);
  return {
    valid: false,
    defaults: salvageDefaults(data.defaults, rootIncomplete),
    post: salvageValue(SpecFileSchema.shape.post, data.post),
    assets: salvageAssets(data.assets),
    ...salvageDialogue(data, rootIncomplete),
  };
}

/** A config that failed validation: every field checked on its own. */
export function salvageConfig(data: unknown): ConfigContent | undefined {
  if (!isRecord(data)) return undefined;
  const shape = ConfigSchema.shape;
  const rootIncomplete = hasUnknownKeys(data, shape);
  return {
    valid: false,
    defaults: salvageDefaults(data.defaults, rootIncomplete),
    post: salvageValue(shape.post, data.post),
    assets: salvageAssets(data.assets),
    ...salvageDialogue(data, rootIncomplete),
    include: salvageValue(shape.include, data.include),
    outDir: salvageValue(shape.outDir, data.outDir),
    cacheDir: salvageValue(shape.cacheDir, data.cacheDir),
    models: salvageMap(ModelsSchema.shape, data.models, rootIncomplete),
    languages: salvageValue(shape.languages, data.languages),
    missing: salvageMissing(data.localization),
  };
}

/** `localization.missing` of a config that failed validation. */
function salvageMissing(raw: unknown): MissingPolicy | Invalid {
  if (raw == null) return 'warn';
  if (!isRecord(raw)) return INVALID;
  const missing = raw.missing ?? 'warn';
  return MISSING_POLICIES.find((policy) => policy === missing) ?? INVALID;
}

const DEFAULTS_SHAPES: Readonly<Record<AssetKind, Shape>> = {
  voice: VoiceDefaultsSchema.shape,
  effect: EffectDefaultsSchema.shape,
};
const ASSET_SHAPES: Readonly<Record<AssetKind, Shape>> = {
  voice: VoiceAssetSchema.shape,
  effect: EffectAssetSchema.shape,
};
/** What an asset of unknown kind can still be checked for. */
const COMMON_ASSET_SHAPE: Shape = { id: VoiceAssetSchema.shape.id, out: VoiceAssetSchema.shape.out };

function defaultsContent(defaults: DefaultsInput | null | undefined): DefaultsContent {
  const content: DefaultsContent = {};
  if (defaults?.voice != null) content.voice = { values: defaults.voice, incomplete: false };
  if (defaults?.effect != null) content.effect = { values: defaults.effect, incomplete: false };
  return content;
}

function assetEntries(assets: readonly AssetInput[]): AssetEntry[] {
  return assets.map((asset, index) => ({
    index,
    kind: asset.kind,
    values: asset,
    incomplete: false,
    valid: true,
    label: assetLabel(asset, index),
  }));
}

type AssetInput = NonNullable<SpecFileInput['assets']>[number];

/**
 * `defaults` per kind. `parentIncomplete`: the map holding `defaults` has unknown keys, so a
 * missing `defaults` may be a misspelled one.
 */
function salvageDefaults(raw: unknown, parentIncomplete: boolean): DefaultsContent {
  const content: DefaultsContent = {};
  if (raw == null) {
    if (parentIncomplete) content.voice = content.effect = { values: {}, incomplete: true };
    return content;
  }
  const record = isRecord(raw) ? raw : undefined;
  const incomplete = record === undefined || hasUnknownKeys(record, DEFAULTS_SHAPES);
  for (const kind of ['voice', 'effect'] as const) {
    const values = salvageMap(DEFAULTS_SHAPES[kind], record?.[kind], incomplete);
    if (values !== undefined) content[kind] = values;
  }
  return content;
}

function salvageAssets(raw: unknown): AssetEntry[] {
  if (!Array.isArray(raw)) return [];
  const list: unknown[] = raw;
  return list.map((item, index): AssetEntry => {
    const label = assetLabel(item, index);
    const parsed = AssetSchema.safeParse(item);
    if (parsed.success) return { index, kind: parsed.data.kind, values: parsed.data, incomplete: false, valid: true, label };
    if (!isRecord(item)) return { index, values: {}, incomplete: true, valid: false, label };
    const kind = item.kind === 'voice' || item.kind === 'effect' ? item.kind : undefined;
    if (kind === undefined) {
      const common = salvageObject(COMMON_ASSET_SHAPE, item);
      return { index, values: common.values, incomplete: true, valid: false, label };
    }
    return { index, kind, ...salvageObject(ASSET_SHAPES[kind], item), valid: false, label };
  });
}
