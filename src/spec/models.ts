/**
 * The models kieaudio knows, per asset kind, and which input parameters each accepts. kie.ai
 * adds models over time, so a slug missing here is still allowed (with a warning) and checked
 * against its kind's base parameter set rather than rejected.
 */
import type { AssetKind } from '../project.js';
import { paramNames } from './params.js';

export interface ModelInfo {
  slug: string;
  kind: AssetKind;
  /** input parameters the model accepts */
  params: readonly string[];
  /** why a parameter the kind otherwise allows is refused by this model */
  refused: Readonly<Record<string, string>>;
}

/** `owner/name`, as kie.ai spells model slugs. */
export const MODEL_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

const TURBO = 'elevenlabs/text-to-speech-turbo-2-5';
const MULTILINGUAL = 'elevenlabs/text-to-speech-multilingual-v2';
const SOUND_EFFECT = 'elevenlabs/sound-effect-v2';

export const MODELS: Readonly<Record<string, ModelInfo>> = {
  [TURBO]: { slug: TURBO, kind: 'voice', params: paramNames('voice'), refused: {} },
  [MULTILINGUAL]: {
    slug: MULTILINGUAL,
    kind: 'voice',
    params: paramNames('voice').filter((name) => name !== 'language_code'),
    refused: {
      language_code: `kie.ai enforces language_code only on ${TURBO}; other models return an error`,
    },
  },
  [SOUND_EFFECT]: { slug: SOUND_EFFECT, kind: 'effect', params: paramNames('effect'), refused: {} },
};

export function isModelSlug(value: string): boolean {
  return MODEL_SLUG.test(value);
}

export function knownModel(slug: string): ModelInfo | undefined {
  return Object.hasOwn(MODELS, slug) ? MODELS[slug] : undefined;
}

export function knownModelsOf(kind: AssetKind): string[] {
  return Object.values(MODELS)
    .filter((model) => model.kind === kind)
    .map((model) => model.slug);
}

/** Why `param` may not be sent to `slug`, or undefined when it may. Unknown models accept their kind's base set. */
export function refusedParam(slug: string, param: string): string | undefined {
  const model = knownModel(slug);
  if (model === undefined || model.params.includes(param)) return undefined;
  return model.refused[param] ?? `${slug} does not accept ${param}`;
}
