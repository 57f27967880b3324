import { afterEach, describe, expect, it } from 'vitest';
import { PRESET_VOICES } from '../../src/spec/voices.js';
import { closeHarnesses, EFFECT, type Harness, harness, MULTILINGUAL, TURBO } from './harness.js';

afterEach(closeHarnesses);

async function create(h: Harness, body: unknown) {
  return h.api('POST', '/api/v1/jobs/createTask', { body });
}

describe('createTask validation', () => {
  it.each([
    [
      'an unknown model',
      { model: 'elevenlabs/text-to-speech-turbo-2.5', input: { text: 'x' } },
      422,
      'The model name you specified is not supported',
    ],
    ['a missing model', { input: { text: 'x' } }, 422, 'The model name you specified is not supported'],
    [
      'a lower-case voice',
      { model: TURBO, input: { text: 'x', voice: 'rachel' } },
      500,
      'This voice is not within the range of allowed options',
    ],
    [
      'a 19-character voice id',
      { model: TURBO, input: { text: 'x', voice: 'EkK5I93UQWFDigLMpZc' } },
      500,
      'This voice is not within the range of allowed options',
    ],
    ['effect text over 450 characters', { model: EFFECT, input: { text: 'a'.repeat(451) } }, 500, 'text exceeds maximum length'],
    ['missing text', { model: TURBO, input: { voice: 'Rachel' } }, 422, 'text is required'],
    ['text over 5000 characters', { model: TURBO, input: { text: 'a'.repeat(5001) } }, 422, 'text must be at most 5000 characters'],
    ['no voice on multilingual', { model: MULTILINGUAL, input: { text: 'x' } }, 422, 'voice is required'],
    ['stability above 1', { model: TURBO, input: { text: 'x', stability: 1.5 } }, 422, 'stability must be between 0 and 1'],
    ['speed below 0.7', { model: TURBO, input: { text: 'x', speed: 0.5 } }, 422, 'speed must be between 0.7 and 1.2'],
    [
      'a string similarity_boost',
      { model: TURBO, input: { text: 'x', similarity_boost: '0.5' } },
      422,
      'similarity_boost must be a number',
    ],
    [
      'language_code on multilingual',
      { model: MULTILINGUAL, input: { text: 'x', voice: 'Bill', language_code: 'de' } },
      422,
      'language_code is only supported by elevenlabs/text-to-speech-turbo-2-5',
    ],
    [
      'duration_seconds below 0.5',
      { model: EFFECT, input: { text: 'x', duration_seconds: 0.4 } },
      422,
      'duration_seconds must be between 0.5 and 22',
    ],
    [
      'duration_seconds off the 0.1 step',
      { model: EFFECT, input: { text: 'x', duration_seconds: 1.25 } },
      422,
      'duration_seconds must be a multiple of 0.1',
    ],
    [
      'an unknown output_format',
      { model: EFFECT, input: { text: 'x', output_format: 'mp3_48000_128' } },
      422,
      'output_format "mp3_48000_128" is not supported',
    ],
    ['a non-boolean loop', { model: EFFECT, input: { text: 'x', loop: 'yes' } }, 422, 'loop must be a boolean'],
  ])('refuses %s (code %i in HTTP 200) and creates no task', async (_, body, code, msg) => {
    const h = await harness();
    const answer = await create(h, body);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ code, msg, data: null });
    expect(h.sim.stats().tasksCreated).toBe(0);
    expect(h.sim.stats().creditsCharged).toBe(0);
  });

  it('refuses a body that is not JSON', async () => {
    const h = await harness();
    const answer = await h.api('POST', '/api/v1/jobs/createTask', { rawBody: '{"model":' });
    expect(answer.json?.code).toBe(422);
  });

  it('accepts every preset voice, 20-character ids, the effect limits and null as "not set"', async () => {
    const h = await harness({ rateLimit: false });
    for (const voice of PRESET_VOICES) await h.createTask(MULTILINGUAL, { text: 'x', voice });
    await h.createTask(TURBO, { text: 'x', voice: 'EkK5I93UQWFDigLMpZcX', language_code: 'en', speed: 1.2, stability: 0 });
    await h.createTask(TURBO, { text: 'a'.repeat(5000), voice: null, style: null });
    await h.createTask(EFFECT, { text: 'a'.repeat(450), duration_seconds: 22, loop: true, prompt_influence: 1 });
    await h.createTask(EFFECT, { text: 'x', duration_seconds: 0.5, output_format: 'ulaw_8000' });
    // kie ignores keys it does not know
    await h.createTask(TURBO, { text: 'x', voice_id: 'whatever' });
    expect(h.sim.stats().tasksCreated).toBe(PRESET_VOICES.length + 5);
    expect(PRESET_VOICES).toHaveLength(21);
  });
});
