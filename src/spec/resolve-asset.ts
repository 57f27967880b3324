/**
 * Pure: one validated asset → a ResolvedAsset, by walking the defaults chain (asset > the file's
 * defaults > the config's defaults > built-in) and running the checks that need the whole chain:
 * a pinned voice, parameters the chosen model refuses, and an `out` that fits the format.
 */
import { DEFAULT_EFFECT_OUTPUT_FORMAT, SPEECH_FORMAT, describeOutputFormat } from '../audio/format.js';
import type { Diagnostic } from '../errors.js';
import type { AssetKind, ResolvedAsset } from '../project.js';
import { knownModel, refusedParam } from './models.js';
import { checkExtension, normalizeOut } from './out-path.js';
import { EFFECT_TEXT_WARN_LENGTH, paramNames } from './params.js';
import type { DocPath, Locate } from './position.js';
import type { AssetInput } from './schema.js';

/** One level of the defaults chain, and where it was written. */
export interface Layer {
  values: Readonly<Record<string, unknown>> | null | undefined;
  file: string;
  locate: Locate;
  /** path of `values` in its document */
  path: DocPath;
  /** how fields of this level are named in messages: "" for the asset, "defaults.voice." */
  fieldPrefix: string;
}

/** Where a value of the chain came from: a layer, or the config's fallback model. */
interface Origin {
  file: string;
  locate: Locate;
  path: DocPath;
  field: string;
  /** true when written on the asset itself (reported per asset, not once per location) */
  own: boolean;
}

export interface AssetContext {
  asset: AssetInput;
  /** index in its file's `assets` */
  index: number;
  label: string;
  /** [asset, file defaults, config defaults]; null levels are skipped */
  layers: readonly Layer[];
  /** the model when no layer names one, and where it was written (undefined: built in) */
  fallbackModel: { slug: string; origin?: Origin };
  /** reports a diagnostic; `own: false` diagnostics are deduplicated by location */
  report: (diagnostic: Diagnostic, own: boolean) => void;
}

export interface ResolvedOne {
  asset?: ResolvedAsset;
  /** the normalized out, when valid, even if other checks failed (for duplicate checks) */
  out?: string;
}

const TEXT_HINT: Record<AssetKind, string> = {
  voice: 'the words to speak',
  effect: 'a description of the sound',
};

export function resolveAsset(ctx: AssetContext): ResolvedOne {
  const { asset, layers, label } = ctx;
  const own = layers[0];
  if (own === undefined) return {};
  const kind = asset.kind;
  let failed = false;
  const at = (origin: Origin, code: string, message: string, severity: 'error' | 'warning' = 'error') => {
    if (severity === 'error') failed = true;
    ctx.report(
      {
        file: origin.file,
        ...origin.locate(origin.path),
        severity,
        code,
        asset: label,
        field: origin.field,
        message: `${origin.field}: ${message}`,
      },
      origin.own,
    );
  };
  const ownField = (name: string): Origin => ({
    file: own.file,
    locate: own.locate,
    path: [...own.path, name],
    field: name,
    own: true,
  });

  const pick = (name: string): { value: unknown; origin: Origin } | undefined => {
    for (const layer of layers) {
      const value = layer.values?.[name];
      if (value !== undefined && value !== null) {
        return {
          value,
          origin: {
            file: layer.file,
            locate: layer.locate,
            path: [...layer.path, name],
            field: layer.fieldPrefix + name,
            own: layer === own,
          },
        };
      }
    }
    return undefined;
  };

  const modelHit = pick('model');
  const model = typeof modelHit?.value === 'string' ? modelHit.value : ctx.fallbackModel.slug;
  const modelOrigin = modelHit?.origin ?? ctx.fallbackModel.origin;
  if (modelOrigin !== undefined && knownModel(model) === undefined) {
    at(
      modelOrigin,
      'W_UNKNOWN_MODEL',
      `"${model}" is not a model kieaudio knows; it is sent as written and checked against the ${kind} parameters (kie.ai adds models, but check the spelling)`,
      'warning',
    );
  }

  const input: Record<string, unknown> = {};
  for (const name of paramNames(kind)) {
    const hit = pick(name);
    if (hit === undefined) continue;
    const refused = refusedParam(model, name);
    if (refused !== undefined) {
      at(hit.origin, 'E_PARAM_UNSUPPORTED', `not accepted by model ${model}: ${refused}; remove it or choose another model`);
      continue;
    }
    input[name] = hit.value;
    if (name === 'text' && kind === 'effect' && typeof hit.value === 'string' && hit.value.length > EFFECT_TEXT_WARN_LENGTH) {
      at(
        hit.origin,
        'W_EFFECT_TEXT_LONG',
        `${hit.value.length} characters; kie.ai's backend has been seen to reject sound-effect prompts over ${EFFECT_TEXT_WARN_LENGTH} characters although its docs allow 5000`,
        'warning',
      );
    }
  }

  const assetAt = (code: string, field: string, message: string) => {
    failed = true;
    ctx.report(
      { file: own.file, ...own.locate(own.path), severity: 'error', code, asset: label, field, message },
      true,
    );
  };
  if (input.text === undefined) {
    assetAt('E_REQUIRED', 'text', `missing required field "text" (${TEXT_HINT[kind]})`);
  }
  if (kind === 'voice' && input.voice === undefined) {
    assetAt(
      'E_VOICE_UNPINNED',
      'voice',
      'voice: no voice is set on this asset or in any defaults; pin one (e.g. `voice: Rachel` here or in defaults.voice), because kie.ai has changed its default voice before and an unpinned line would not be reproducible',
    );
  }

  const outcome = normalizeOut(asset.out);
  if (!outcome.ok) {
    at(ownField('out'), outcome.code, outcome.message);
    return {};
  }
  const outputFormat = typeof input.output_format === 'string' ? input.output_format : undefined;
  const format = kind === 'voice' ? SPEECH_FORMAT : describeOutputFormat(outputFormat ?? DEFAULT_EFFECT_OUTPUT_FORMAT);
  const extensionProblem = checkExtension(outcome.out, kind, format, outputFormat !== undefined);
  if (extensionProblem !== undefined) at(ownField('out'), 'E_OUT_EXTENSION', extensionProblem);

  if (failed) return { out: outcome.out };
  return {
    out: outcome.out,
    asset: {
      id: asset.id ?? outcome.out,
      kind,
      out: outcome.out,
      model,
      input,
      format,
      source: { file: own.file, ...own.locate(own.path), index: ctx.index },
    },
  };
}
