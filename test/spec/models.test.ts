import { describe, expect, test } from 'vitest';
import { DEFAULT_MODELS } from '../../src/project.js';
import { isModelSlug, knownModel, knownModelsOf, MODELS, refusedParam } from '../../src/spec/models.js';
import { describeExpected, EFFECT_PARAMS, isOnStep, paramNames, VOICE_PARAMS } from '../../src/spec/params.js';
import { EffectDefaultsSchema, VoiceDefaultsSchema } from '../../src/spec/schema.js';

describe('models', () => {
  test('the built-in defaults are known models of their kind', () => {
    expect(knownModel(DEFAULT_MODELS.voice)?.kind).toBe('voice');
    expect(knownModel(DEFAULT_MODELS.effect)?.kind).toBe('effect');
    expect(knownModelsOf('voice')).toEqual(['elevenlabs/text-to-speech-turbo-2-5', 'elevenlabs/text-to-speech-multilingual-v2']);
    expect(knownModel('__proto__')).toBeUndefined();
    expect(knownModel('toString')).toBeUndefined();
  });

  test('multilingual v2 refuses language_code; turbo and unknown models accept the base set', () => {
    expect(refusedParam('elevenlabs/text-to-speech-multilingual-v2', 'language_code')).toMatch(
      /only on elevenlabs\/text-to-speech-turbo-2-5/,
    );
    expect(refusedParam('elevenlabs/text-to-speech-multilingual-v2', 'stability')).toBeUndefined();
    expect(refusedParam('elevenlabs/text-to-speech-turbo-2-5', 'language_code')).toBeUndefined();
    expect(refusedParam('acme/tts', 'language_code')).toBeUndefined();
    expect(MODELS['elevenlabs/sound-effect-v2']?.params).toEqual(['text', 'loop', 'duration_seconds', 'prompt_influence', 'output_format']);
  });

  test('slugs are owner/name', () => {
    expect(isModelSlug('elevenlabs/sound-effect-v2')).toBe(true);
    expect(isModelSlug('acme/tts.v3_beta')).toBe(true);
    expect(isModelSlug('turbo')).toBe(false);
    expect(isModelSlug('a/b/c')).toBe(false);
    expect(isModelSlug('/x')).toBe(false);
  });
});

describe('params', () => {
  test('the schemas accept exactly the table, plus model (and subtitles for voice)', () => {
    // subtitles: a voice setting that is not an API parameter (never sent)
    expect(Object.keys(VoiceDefaultsSchema.shape).sort()).toEqual(['model', 'subtitles', ...paramNames('voice')].sort());
    expect(Object.keys(EffectDefaultsSchema.shape).sort()).toEqual(['model', ...paramNames('effect')].sort());
  });

  test('ranges from docs/kie-api.md §8', () => {
    expect(describeExpected(VOICE_PARAMS.speed)).toBe('a number from 0.7 to 1.2 in steps of 0.01');
    expect(describeExpected(EFFECT_PARAMS.duration_seconds)).toBe('a number from 0.5 to 22 in steps of 0.1');
    expect(EFFECT_PARAMS.output_format.values).toHaveLength(19);
    expect(VOICE_PARAMS.language_code.maxLength).toBe(500);
  });

  test('steps', () => {
    for (const ok of [0, 0.01, 0.07, 0.29, 0.95, 1, 1.2]) expect(isOnStep(ok, 0.01)).toBe(true);
    for (const ok of [0.5, 1.5, 21.9, 22]) expect(isOnStep(ok, 0.1)).toBe(true);
    expect(isOnStep(0.955, 0.01)).toBe(false);
    expect(isOnStep(1.55, 0.1)).toBe(false);
  });
});
