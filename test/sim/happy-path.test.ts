import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { describeOutputFormat } from '../../src/audio/format.js';
import { sniffContainer } from '../../src/audio/sniff.js';
import { wavHeader } from '../../src/audio/wav.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { closeHarnesses, EFFECT, harness, MULTILINGUAL, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

describe('happy path over HTTP', () => {
  it.each([TURBO, MULTILINGUAL])('%s: create, poll to success, download an MP3 sized to the text', async (model) => {
    const h = await harness();
    const text = 'Welcome, traveler! Need a blade sharpened today?'; // 48 chars → 3.2 s
    const taskId = await h.createTask(model, { text, voice: 'George' });
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
    const record = await h.finish(taskId);
    expect(record.state).toBe('success');
    const file = await h.get(resultUrlOf(record));
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('audio/mpeg');
    expect(Number(file.headers['content-length'])).toBe(file.bytes.length);
    expect(file.bytes.equals(h.sim.task(taskId)?.result ?? Buffer.alloc(0))).toBe(true);
    const info = inspectAudio(file.bytes);
    expect(info.container).toBe('mp3');
    expect(info.sampleRate).toBe(44100);
    expect(Math.abs(info.durationSeconds - text.length / 15)).toBeLessThanOrEqual(1152 / 44100);
  });

  it('gives speech at least half a second', async () => {
    const h = await harness();
    const taskId = await h.createTask(TURBO, { text: 'Hi' });
    const file = await h.get(resultUrlOf(await h.finish(taskId)));
    expect(inspectAudio(file.bytes).durationSeconds).toBeGreaterThanOrEqual(0.5 - 1152 / 44100);
  });

  it('serves a sound effect as mp3_44100_128 of 2 s by default', async () => {
    const h = await harness();
    const taskId = await h.createTask(EFFECT, { text: 'Heavy hammer striking an anvil' });
    const file = await h.get(resultUrlOf(await h.finish(taskId)));
    const info = inspectAudio(file.bytes);
    expect(info).toMatchObject({ container: 'mp3', sampleRate: 44100 });
    expect(Math.abs(info.durationSeconds - 2)).toBeLessThanOrEqual(1152 / 44100);
  });

  it.each([
    ['mp3_22050_32', 'audio/mpeg'],
    ['opus_48000_64', 'audio/ogg'],
  ])('serves output_format %s with its duration', async (format, contentType) => {
    const h = await harness();
    const taskId = await h.createTask(EFFECT, { text: 'Door creak', duration_seconds: 1.5, output_format: format });
    const file = await h.get(resultUrlOf(await h.finish(taskId)));
    expect(file.headers['content-type']).toBe(contentType);
    const info = inspectAudio(file.bytes);
    expect(info.container).toBe(describeOutputFormat(format).container);
    expect(Math.abs(info.durationSeconds - 1.5)).toBeLessThanOrEqual(0.03);
  });

  it.each(['pcm_16000', 'pcm_48000', 'ulaw_8000', 'alaw_8000'])(
    'serves %s as raw samples without a header, valid once wrapped',
    async (name) => {
      const h = await harness();
      const taskId = await h.createTask(EFFECT, { text: 'Wind', duration_seconds: 0.8, output_format: name });
      const file = await h.get(resultUrlOf(await h.finish(taskId)));
      const format = describeOutputFormat(name);
      expect(sniffContainer(file.bytes)).toBeUndefined();
      expect(file.bytes.length).toBe(Math.round(0.8 * format.sampleRate) * (format.encoding === 'pcm_s16le' ? 2 : 1));
      const info = inspectAudio(Buffer.concat([wavHeader(format, file.bytes.length), file.bytes]));
      expect(info).toEqual({ container: 'wav', durationSeconds: 0.8, sampleRate: format.sampleRate });
    },
  );

  it('makes every take differ byte-wise, even for the same spec', async () => {
    const h = await harness();
    const input = { text: 'Same line', voice: 'Rachel' };
    const a = await h.createTask(TURBO, input);
    const b = await h.createTask(TURBO, input);
    await h.finish(a);
    await h.finish(b);
    const bytesA = h.sim.task(a)?.result;
    const bytesB = h.sim.task(b)?.result;
    expect(bytesA?.length).toBe(bytesB?.length);
    expect(bytesA?.equals(bytesB ?? Buffer.alloc(0))).toBe(false);
  });

  it('hides the task id behind a random path segment in result URLs', async () => {
    const h = await harness();
    const taskId = await h.createTask(TURBO, { text: 'Path' });
    const url = new URL(resultUrlOf(await h.finish(taskId)));
    expect(url.origin).toBe(h.sim.url);
    expect(url.pathname).toMatch(new RegExp(`^/files/[0-9a-f]{16}/${taskId}\\.mp3$`));
  });

  it('runs end to end on the real clock with default options', async () => {
    const h = await harness({}, true);
    const taskId = await h.createTask(TURBO, { text: 'Real time' });
    let record = await h.record(taskId);
    for (let i = 0; i < 200 && record.state !== 'success'; i++) {
      await delay(5); // polling, as a client does; default latency is 5–20 ms
      record = await h.record(taskId);
    }
    expect(record.state).toBe('success');
    const file = await h.get(resultUrlOf(record));
    expect(inspectAudio(file.bytes).container).toBe('mp3');
  });
});
