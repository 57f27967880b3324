/** The kie.ai model slugs the simulator serves, and what kind of audio each makes. */

export type SimModelKind = 'speech' | 'effect';

export const SIM_MODELS: Readonly<Record<string, SimModelKind>> = {
  'elevenlabs/text-to-speech-turbo-2-5': 'speech',
  'elevenlabs/text-to-speech-multilingual-v2': 'speech',
  'elevenlabs/sound-effect-v2': 'effect',
};

export function modelKind(model: string): SimModelKind | undefined {
  return Object.hasOwn(SIM_MODELS, model) ? SIM_MODELS[model] : undefined;
}
