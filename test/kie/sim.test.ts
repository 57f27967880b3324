/**
 * End to end against the simulator over real HTTP: create → waitForTask → downloadResult, and the
 * fault modes the client must classify correctly.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeOutputFormat, SPEECH_FORMAT } from '../../src/audio/format.js';
import { sniffContainer } from '../../src/audio/sniff.js';
import { downloadResult } from '../../src/build/download-result.js';
import { ApiError } from '../../src/errors.js';
import { createKieClient, type KieClient } from '../../src/kie/client.js';
import { waitForTask } from '../../src/kie/poll.js';
import type { PollSchedule } from '../../src/kie/poll-cadence.js';
import { withRetry } from '../../src/kie/retry.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/types.js';
import { errorTexts } from '../helpers/http.js';

const KEY = 'sim-key';
const TTS = { model: 'elevenlabs/text-to-speech-turbo-2-5', input: { text: 'Welcome back, hero.' } };
const PCM16 = describeOutputFormat('pcm_16000');
const EFFECT = {
  model: 'elevenlabs/sound-effect-v2',
  input: { text: 'a wooden door creaks open', output_format: 'pcm_16000', duration_seconds: 1 },
};
const schedule: PollSchedule = { initialMs: 10, maxMs: 50, timeoutMs: 10_000 };

let sim: Simulator;
let client: KieClient;
let dir: string;

beforeEach(async () => {
  sim = await startSimulator({ latencyMs: { min: 5, max: 30 }, rateLimit: false });
  client = createKieClient({ baseUrl: sim.url, apiKey: KEY });
  dir = await mkdtemp(join(tmpdir(), 'kieaudio-sim-'));
});

afterEach(async () => {
  await client.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function fails(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('against the simulator', () => {
  it('creates, waits for and downloads a TTS line', async () => {
    const { taskId } = await client.createTask(TTS);
    const states: string[] = [];
    const info = await waitForTask(client, taskId, { schedule, onState: (i) => states.push(i.rawState) });
    expect(info.state).toBe('success');
    expect(states.at(-1)).toBe('success');
    expect(info.param).toMatchObject(TTS);
    const dest = join(dir, 'vo', 'hero.mp3');
    const result = await downloadResult({ client, url: info.resultUrls[0]!, dest, format: SPEECH_FORMAT });
    const file = await readFile(dest);
    expect(sniffContainer(file)).toBe('mp3');
    expect(result).toEqual({ bytes: file.length, sha256: sha(file) });
    expect(file).toEqual(sim.task(taskId)!.result);
  });

  it('creates, waits for and downloads a pcm_16000 effect, wrapped as WAV', async () => {
    const { taskId } = await client.createTask(EFFECT);
    const info = await waitForTask(client, taskId, { schedule });
    const dest = join(dir, 'door.wav');
    const result = await downloadResult({ client, url: info.resultUrls[0]!, dest, format: PCM16 });
    const file = await readFile(dest);
    const raw = sim.task(taskId)!.result!;
    expect(sniffContainer(file)).toBe('wav');
    expect(file.readUInt32LE(24)).toBe(16_000);
    expect(file.readUInt32LE(40)).toBe(raw.length);
    expect(file.subarray(44)).toEqual(raw);
    expect(result).toEqual({ bytes: raw.length + 44, sha256: sha(file) });
    expect(await readdir(dir)).toEqual(['door.wav']);
  });

  it('reads credits and reports a wrong key as E_API_AUTH without leaking it', async () => {
    expect(await client.getCredits()).toBeGreaterThan(0);
    const wrong = 'sk-not-the-right-key-42';
    const other = createKieClient({ baseUrl: sim.url, apiKey: wrong });
    try {
      for (const call of [other.getCredits(), other.createTask(TTS), other.getTask('x')]) {
        const error = await fails(call);
        expect(error.code).toBe('E_API_AUTH');
        for (const text of errorTexts(error)) expect(text).not.toContain(wrong);
      }
    } finally {
      await other.close();
    }
  });

  it('classifies errors the same as HTTP status or as body code', async () => {
    for (const errorsAsBodyCode of [true, false]) {
      sim.setFaults({ errorsAsBodyCode });
      const voice = await fails(client.createTask({ model: TTS.model, input: { text: 'x', voice: 'rachel' } }));
      expect(voice).toMatchObject({ code: 'E_API_INPUT', retryable: false, apiCode: 500 });
      expect(voice.maybeCreated).toBe(false);
      const model = await fails(client.createTask({ model: 'elevenlabs/nope', input: { text: 'x' } }));
      expect(model).toMatchObject({ code: 'E_API_INPUT', apiCode: 422 });
      const unknown = await fails(client.getTask('no-such-task'));
      expect(unknown).toMatchObject({ code: 'E_API_NOT_FOUND' });
      expect(unknown.recordMissing).toBe(true);
    }
  });

  it('marks create failures as maybe created exactly when the answer was lost', async () => {
    sim.setFaults({ lostCreateResponse: 1 });
    const lost = await fails(client.createTask(TTS));
    expect(lost.maybeCreated).toBe(true);
    expect(sim.stats().tasksCreated).toBe(1);

    sim.setFaults({ lostCreateResponse: 0, http500: 1 });
    const answered = await fails(client.createTask(TTS));
    expect(answered).toMatchObject({ code: 'E_API_UNAVAILABLE', retryable: true });
    expect(answered.maybeCreated).toBe(false);

    sim.setFaults({ http500: 0, burst429: 1 });
    const limited = await fails(client.createTask(TTS));
    expect(limited).toMatchObject({ code: 'E_API_RATE_LIMIT', retryable: true });
    expect(limited.maybeCreated).toBe(false);

    sim.setFaults({ burst429: 0, invalidJson: 1 });
    const garbled = await fails(client.createTask(TTS));
    expect(garbled).toMatchObject({ code: 'E_API_PROTOCOL', retryable: true });
    expect(garbled.maybeCreated).toBe(true);

    sim.setFaults({ invalidJson: 0, connectionReset: 1 });
    const reset = await fails(client.createTask(TTS));
    expect(reset).toMatchObject({ code: 'E_NETWORK', retryable: true });
    expect(reset.maybeCreated).toBe(true);

    // the client never resent anything by itself
    expect(sim.stats().createRequests).toBe(5);
  });

  it('waits through a record that is not visible yet', async () => {
    sim.setFaults({ recordInvisibleMs: 60 });
    const { taskId } = await client.createTask(TTS);
    const info = await waitForTask(client, taskId, { schedule });
    expect(info.state).toBe('success');
  });

  it('surfaces a failed task as E_TASK_FAILED', async () => {
    sim.setFaults({ taskFail: 1 });
    const { taskId } = await client.createTask(TTS);
    const error = await fails(waitForTask(client, taskId, { schedule }));
    expect(error.code).toBe('E_TASK_FAILED');
    expect(error.transient).toBe(true);
    expect(error.details).toMatchObject({ taskId, failCode: '500' });
  });

  it('polls through transient recordInfo faults', async () => {
    const { taskId } = await client.createTask(TTS);
    sim.setFaults({ http500: 0.5, connectionReset: 0.2 });
    const info = await waitForTask(client, taskId, { schedule });
    expect(info.state).toBe('success');
  });

  it('falls back to download-url when the result URL is forbidden', async () => {
    sim.setFaults({ resultUrlForbidden: 1 });
    const { taskId } = await client.createTask(TTS);
    const info = await waitForTask(client, taskId, { schedule });
    const dest = join(dir, 'f.mp3');
    await downloadResult({ client, url: info.resultUrls[0]!, dest, format: SPEECH_FORMAT });
    expect(await readFile(dest)).toEqual(sim.task(taskId)!.result);
    expect(sim.stats().downloadUrlRequests).toBe(1);
  });

  it('rejects a truncated download, leaves nothing, and succeeds on retry', async () => {
    const { taskId } = await client.createTask(EFFECT);
    const info = await waitForTask(client, taskId, { schedule });
    const dest = join(dir, 't.wav');
    sim.setFaults({ truncatedDownload: 1 });
    const error = await fails(downloadResult({ client, url: info.resultUrls[0]!, dest, format: PCM16 }));
    expect(error).toMatchObject({ code: 'E_DOWNLOAD', retryable: true });
    expect(await readdir(dir)).toEqual([]);

    let attempts = 0;
    const retried: string[] = [];
    await withRetry(
      () => {
        attempts++;
        if (attempts === 2) sim.setFaults({ truncatedDownload: 0 });
        return downloadResult({ client, url: info.resultUrls[0]!, dest, format: PCM16 });
      },
      { baseMs: 1, onRetry: (e) => retried.push(String(e)) },
    );
    expect(attempts, retried.join('\n')).toBe(2);
    expect((await readFile(dest)).subarray(44)).toEqual(sim.task(taskId)!.result);
  });
});
