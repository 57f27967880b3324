import { afterEach, describe, expect, it } from 'vitest';
import { findTimings } from '../../src/timings/find-timings.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { closeHarnesses, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

const TEXT = 'Lanterns low. Nobody speaks.';

async function finishedResult(options: Parameters<typeof harness>[0], input: Record<string, unknown>) {
  const h = await harness(options);
  const taskId = await h.createTask(TURBO, { text: TEXT, voice: 'Rachel', ...input });
  const record = await h.finish(taskId);
  expect(typeof record.resultJson).toBe('string');
  const resultJson = JSON.parse(String(record.resultJson)) as Record<string, unknown>;
  const audio = inspectAudio((await h.get(resultUrlOf(record))).bytes);
  return { resultJson, duration: audio.durationSeconds };
}

describe('timing data in resultJson', () => {
  it('comes as an ElevenLabs character alignment beside resultUrls by default, inside the audio', async () => {
    const { resultJson, duration } = await finishedResult({}, { timestamps: true });
    expect(resultJson.resultUrls).toHaveLength(1);
    const alignment = resultJson.alignment as Record<string, unknown[]>;
    expect(alignment.characters?.join('')).toBe(TEXT);
    expect(alignment.character_start_times_seconds).toHaveLength(TEXT.length);
    for (const end of alignment.character_end_times_seconds ?? []) expect(Number(end)).toBeLessThanOrEqual(duration);
  });

  it.each([
    ['words', (r: Record<string, unknown>) => (r.words as Array<Record<string, unknown>>)[0], ['text', 'start_time', 'end_time']],
    ['timestamps', (r: Record<string, unknown>) => (r.timestamps as Array<Record<string, unknown>>)[0], ['word', 'start', 'end']],
    [
      'nested',
      (r: Record<string, unknown>) => (r.resultObject as Record<string, unknown>).alignment as Record<string, unknown>,
      ['characters'],
    ],
  ] as const)('comes in the %s shape when told to', async (shape, pick, keys) => {
    const { resultJson } = await finishedResult({ timings: shape }, { timestamps: true });
    expect(Object.keys(pick(resultJson) ?? {})).toEqual(expect.arrayContaining([...keys]));
    expect(
      findTimings(resultJson)
        ?.words.map((w) => w.text)
        .join(' '),
    ).toBe(TEXT);
  });

  it('is absent when timestamps are not asked for, or with timings: none', async () => {
    expect(Object.keys((await finishedResult({}, {})).resultJson)).toEqual(['resultUrls']);
    expect(Object.keys((await finishedResult({ timings: 'none' }, { timestamps: true })).resultJson)).toEqual(['resultUrls']);
  });
});
