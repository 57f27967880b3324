/**
 * Pure: one asset → a ResolvedAsset, by walking the defaults chain (asset > the file's defaults >
 * the config's defaults > built-in) and running the checks that need the whole chain: a pinned
 * voice, parameters the chosen model refuses, and an `out` that fits the format. Parts that
 * failed validation (content.ts) are reported where they are written, and only hide the checks
 * that depend on them.
 */
import { DEFAULT_EFFECT_OUTPUT_FORMAT, SPEECH_FORMAT, describeOutputFormat, type AudioFormat } from '../audio/format.js';
import type { Diagnostic } from '../errors.js';
import type { AssetKind, ResolvedAsset } from '../project.js';
import { knownModel, refusedParam } from './models.js';
import { checkExtension, normalizeOut } from './out-path.js';
import { EFFECT_TEXT_WARN_LENGTH, paramNames } from './params.js';
import type { DocPath, Locate } from './position.js';
import { INVALID, type AssetEntry } from './content.js';

/** One level of the defaults chain, and where it was written. */
export interface Layer {
  values: Readonly<Record<string, unknown>> | null | undefined;
  file: string;
  locate: Locate;
  /** path of `values` in its document */
  path: DocPath;
  /** how fields of this level are named in messages: "" for the asset, "defaults.voice." */
  fieldPrefix: string;
  /** the level may hide fields (see content.ts): a field absent here is unknown, not unset */
  incomplete?: boolean;
}

/** Where a value of the chain came from: a layer, or the config's fallback model. */
export interface Origin {
  file: string;
  locate: Locate;
  path: DocPath;
  field: string;
  /** true when written on the asset itself (reported per asset, not once per location) */
  own: boolean;
}

export interface AssetContext {
  entry: AssetEntry;
  /** [asset, file defaults, config defaults]; null levels are skipped */
  layers: readonly Layer[];
  /** the model when no layer names one, and where it was written (origin undefined: built in); undefined when not known */
  fallbackModel: FallbackModel | undefined;
  /** reports a diagnostic; `own: false` diagnostics are deduplicated by location */
  report: (diagnostic: Diagnostic, own: boolean) => void;
}

export interface FallbackModel {
  slug: string;
  origin?: Origin;
}

export interface ResolvedOne {
  /** present when the asset and everything it inherits are valid */
  asset?: ResolvedAsset;
  /** the normalized out, when valid, even if other checks failed (for duplicate and symlink checks) */
  out?: string;
}

const TEXT_HINT: Record<AssetKind, string> = {
  voice: 'the words to speak',
  effect: 'a description of the sound',
};

/** A field whose value cannot be known: it, or a level it falls through to, failed validation. */
const UNKNOWN: unique symbol = Symbol('unknown');

/**
 * The checks of the defaults chain (a pinned voice, text, parameters the model refuses, warnings)
 * run on assets that passed validation. The `out` checks run on every asset whose `out` is valid,
 * with the extension checked whenever the format is known, so a bad parameter does not hide them.
 */
export function resolveAsset(ctx: AssetContext): ResolvedOne {
  const { entry, layers } = ctx;
  const own = layers[0];
  if (own === undefined) return {};
  const { kind, label } = entry;
  const checkChain = entry.valid;
  let failed = !entry.valid;
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

  const pick = (name: string): { value: unknown; origin: Origin } | typeof UNKNOWN | undefined => {
    for (const layer of layers) {
      const value = layer.values?.[name];
      if (value !== undefined && value !== null) {
        if (value === INVALID) return UNKNOWN;
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
      if (layer.incomplete === true) return UNKNOWN;
    }
    return undefined;
  };

  let model: string | undefined;
  let format: AudioFormat | undefined;
  const input: Record<string, unknown> = {};
  if (kind !== undefined) {
    const modelHit = pick('model');
    let modelOrigin: Origin | undefined;
    if (modelHit === undefined) {
      model = ctx.fallbackModel?.slug;
      modelOrigin = ctx.fallbackModel?.origin;
    } else if (modelHit !== UNKNOWN && typeof modelHit.value === 'string') {
      model = modelHit.value;
      modelOrigin = modelHit.origin;
    }
    if (model === undefined) failed = true;
    if (checkChain && model !== undefined && modelOrigin !== undefined && knownModel(model) === undefined) {
      at(
        modelOrigin,
        'W_UNKNOWN_MODEL',
        `"${model}" is not a model kieaudio knows; it is sent as written and checked against the ${kind} parameters (kie.ai adds models, but check the spelling)`,
        'warning',
      );
    }

    let unknown: Set<string> | undefined;
    for (const name of paramNames(kind)) {
      const hit = pick(name);
      if (hit === undefined) continue;
      if (hit === UNKNOWN) {
        failed = true;
        (unknown ??= new Set()).add(name);
        continue;
      }
      // with the model unknown a parameter cannot be refused here; the model's own problem is reported
      const refused = model === undefined ? undefined : refusedParam(model, name);
      if (refused !== undefined) {
        if (checkChain) at(hit.origin, 'E_PARAM_UNSUPPORTED', `not accepted by model ${model}: ${refused}; remove it or choose another model`);
        failed = true;
        continue;
      }
      input[name] = hit.value;
      if (checkChain && name === 'text' && kind === 'effect' && typeof hit.value === 'string' && hit.value.length > EFFECT_TEXT_WARN_LENGTH) {
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
    if (checkChain && input.text === undefined && unknown?.has('text') !== true) {
      assetAt('E_REQUIRED', 'text', `missing required field "text" (${TEXT_HINT[kind]})`);
    }
    if (checkChain && kind === 'voice' && input.voice === undefined && unknown?.has('voice') !== true) {
      assetAt(
        'E_VOICE_UNPINNED',
        'voice',
        'voice: no voice is set on this asset or in any defaults; pin one (e.g. `voice: Rachel` here or in defaults.voice), because kie.ai has changed its default voice before and an unpinned line would not be reproducible',
      );
    }

    if (kind === 'voice') {
      format = SPEECH_FORMAT;
    } else if (unknown?.has('output_format') !== true) {
      format = describeOutputFormat(typeof input.output_format === 'string' ? input.output_format : DEFAULT_EFFECT_OUTPUT_FORMAT);
    }
  }

  // a missing or mistyped out was reported by validation
  const rawOut = own.values?.out;
  if (typeof rawOut !== 'string') return {};
  const outcome = normalizeOut(rawOut);
  if (!outcome.ok) {
    at(ownField('out'), outcome.code, outcome.message);
    return {};
  }
  if (kind !== undefined && format !== undefined) {
    const extensionProblem = checkExtension(outcome.out, kind, format, typeof input.output_format === 'string');
    if (extensionProblem !== undefined) at(ownField('out'), 'E_OUT_EXTENSION', extensionProblem);
  }

  if (failed || kind === undefined || model === undefined || format === undefined) return { out: outcome.out };
  const id = own.values?.id;
  return {
    out: outcome.out,
    asset: {
      id: typeof id === 'string' ? id : outcome.out,
      kind,
      out: outcome.out,
      model,
      input,
      format,
      source: { file: own.file, ...own.locate(own.path), index: entry.index },
    },
  };
}
