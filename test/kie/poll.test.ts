import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, KieaudioError } from '../../src/errors.js';
import { createKieClient, type KieClient } from '../../src/kie/client.js';
import { waitForTask } from '../../src/kie/poll.js';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay, type PollSchedule } from '../../src/kie/poll-cadence.js';
import { createPollPace } from '../../src/kie/poll-pace.js';
import { plannedPollDelay } from '../../src/kie/poll-plan.js';
import type { TaskInfo } from '../../src/kie/task-info.js';
import { sendJson, startServer, type TestServer } from '../helpers/http.js';

describe('nextPollDelay', () => {
  const mid = (): number => 0.5; // no jitter
  const doc = DEFAULT_POLL_SCHEDULE;

  it('waits initialMs before the first poll', () => {
    expect(nextPollDelay(0, 0, doc, mid)).toBe(2000);
    expect(nextPollDelay(0, 0, { initialMs: 5000, maxMs: 30_000, timeoutMs: 1 }, mid)).toBe(5000);
  });

  it('follows the documented cadence: 2–3 s to 30 s, 5–10 s to 2 min, then 15–30 s', () => {
    expect(nextPollDelay(0, 1, doc, mid)).toBe(2000);
    expect(nextPollDelay(15_000, 3, doc, mid)).toBe(2500);
    expect(nextPollDelay(29_999, 10, doc, mid)).toBeLessThanOrEqual(3000);
    expect(nextPollDelay(30_000, 11, doc, mid)).toBe(5000);
    expect(nextPollDelay(75_000, 15, doc, mid)).toBe(7500);
    expect(nextPollDelay(119_999, 20, doc, mid)).toBeLessThanOrEqual(10_000);
    expect(nextPollDelay(120_000, 21, doc, mid)).toBe(15_000);
    expect(nextPollDelay(210_000, 25, doc, mid)).toBe(22_500);
    expect(nextPollDelay(300_000, 30, doc, mid)).toBe(30_000);
    expect(nextPollDelay(3_600_000, 99, doc, mid)).toBe(30_000);
  });

  it('never shrinks as time passes (fixed random)', () => {
    let previous = 0;
    for (let t = 0; t <= 600_000; t += 1000) {
      const delay = nextPollDelay(t, 1 + t / 1000, doc, mid);
      expect(delay).toBeGreaterThanOrEqual(previous);
      previous = delay;
    }
  });

  it('applies ±20 % jitter and caps at maxMs', () => {
    expect(nextPollDelay(75_000, 5, doc, () => 0)).toBe(6000);
    expect(nextPollDelay(75_000, 5, doc, () => 1)).toBe(9000);
    expect(nextPollDelay(300_000, 5, doc, () => 1)).toBe(30_000); // 36 s capped
    expect(nextPollDelay(75_000, 5, { ...doc, maxMs: 4000 }, mid)).toBe(4000);
  });

  it('scales by initialMs/2000 so tests can run the cadence fast', () => {
    const fast: PollSchedule = { initialMs: 10, maxMs: 50, timeoutMs: 1000 };
    expect(nextPollDelay(0, 0, fast, mid)).toBe(10);
    expect(nextPollDelay(75, 3, fast, mid)).toBe(13); // 2.5 s·0.005 = 12.5
    expect(nextPollDelay(375, 8, fast, mid)).toBe(38); // 7.5 s·0.005
    expect(nextPollDelay(1050, 20, fast, mid)).toBe(50); // 22.5 s·0.005 = 112.5, capped
  });
});

type Reply = [number, unknown] | ((res: ServerResponse) => void);

describe('waitForTask', () => {
  let server: TestServer | undefined;
  let client: KieClient | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  /** A server that answers recordInfo from `script` in order, repeating the last entry. */
  async function scripted(script: Reply[]): Promise<KieClient> {
    let i = 0;
    server = await startServer((_req, res) => {
      const reply = script[Math.min(i++, script.length - 1)]!;
      if (typeof reply === 'function') reply(res);
      else sendJson(res, reply[0], reply[1]);
    });
    client = createKieClient({ baseUrl: server.url, apiKey: 'sim-key' });
    return client;
  }

  const state = (s: string, extra: Record<string, unknown> = {}): Reply => [
    200,
    { code: 200, msg: 'success', data: { taskId: 'T', state: s, resultJson: '', failCode: '', failMsg: '', ...extra } },
  ];
  const done = state('success', { resultJson: JSON.stringify({ resultUrls: ['http://127.0.0.1:1/a.mp3'] }) });

  /** A fake clock that sleep advances. */
  function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
    let t = 1_000_000;
    const sleeps: number[] = [];
    return {
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
      sleeps,
    };
  }

  const schedule: PollSchedule = { initialMs: 10, maxMs: 50, timeoutMs: 2000 };

  it('polls through the in-flight states to success, reporting each state once', async () => {
    const c = await scripted([state('waiting'), state('waiting'), state('queuing'), state('generating'), done]);
    const time = fakeTime();
    const seen: string[] = [];
    const info = await waitForTask(c, 'T', { schedule, ...time, onState: (i: TaskInfo) => seen.push(i.rawState) });
    expect(info).toMatchObject({ state: 'success', resultUrls: ['http://127.0.0.1:1/a.mp3'] });
    expect(seen).toEqual(['waiting', 'queuing', 'generating', 'success']);
    expect(server!.requests).toHaveLength(5);
    expect(server!.requests[0]!.url).toBe('/api/v1/jobs/recordInfo?taskId=T');
    expect(time.sleeps).toHaveLength(4);
    for (const ms of time.sleeps) expect(ms).toBeLessThanOrEqual(schedule.maxMs);
  });

  it('throws E_TASK_FAILED with failCode and failMsg', async () => {
    const c = await scripted([state('generating'), state('fail', { failCode: 500, failMsg: 'internal error, please try again later' })]);
    const error = (await waitForTask(c, 'T', { schedule, ...fakeTime() }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('E_TASK_FAILED');
    expect(error.message).toContain('internal error, please try again later');
    expect(error.message).toContain('500');
    expect(error.transient).toBe(true);
    expect(error.details).toMatchObject({ taskId: 'T', failCode: '500', failMsg: 'internal error, please try again later' });
  });

  it('marks a moderation failure as not transient', async () => {
    const c = await scripted([state('fail', { failCode: '500', failMsg: 'content violates our policy' })]);
    const error = (await waitForTask(c, 'T', { schedule, ...fakeTime() }).catch((e: unknown) => e)) as ApiError;
    expect(error.transient).toBe(false);
  });

  it('times out with E_TASK_TIMEOUT, polling last at the deadline', async () => {
    const c = await scripted([state('generating')]);
    const time = fakeTime();
    const error = (await waitForTask(c, 'T', { schedule: { ...schedule, timeoutMs: 500 }, ...time }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('E_TASK_TIMEOUT');
    expect(error.details).toMatchObject({ taskId: 'T', lastState: 'generating' });
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('waits through "recordInfo is null" right after creation', async () => {
    const missing: Reply = [200, { code: 422, msg: 'recordInfo is null', data: null }];
    const c = await scripted([missing, [404, { code: 404, msg: 'not found' }], missing, state('generating'), done]);
    const info = await waitForTask(c, 'T', { schedule, ...fakeTime(), recordGraceMs: 1000 });
    expect(info.state).toBe('success');
    expect(server!.requests).toHaveLength(5);
  });

  it('gives up on a record still missing after the grace window', async () => {
    const c = await scripted([[200, { code: 422, msg: 'recordInfo is null' }]]);
    const error = (await waitForTask(c, 'T', { schedule, ...fakeTime(), recordGraceMs: 100 }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('E_API_NOT_FOUND');
    expect(error.recordMissing).toBe(true);
    expect(error.details).toMatchObject({ taskId: 'T' });
  });

  it('retries retryable poll errors, honouring Retry-After', async () => {
    const c = await scripted([
      [500, { code: 500, msg: 'internal error' }],
      (res) => sendJson(res, 429, { code: 429, msg: 'slow' }, { 'retry-after': '1' }),
      [200, 'garbage'],
      done,
    ]);
    const time = fakeTime();
    const info = await waitForTask(c, 'T', { schedule: { ...schedule, timeoutMs: 10_000 }, ...time });
    expect(info.state).toBe('success');
    expect(time.sleeps[1]).toBeGreaterThanOrEqual(1000);
  });

  it('turns persistent poll errors into a timeout carrying the last error', async () => {
    const c = await scripted([[503, 'down']]);
    const error = (await waitForTask(c, 'T', { schedule, ...fakeTime() }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('E_TASK_TIMEOUT');
    expect(error.cause).toMatchObject({ code: 'E_API_UNAVAILABLE' });
  });

  it('throws a 401 at once', async () => {
    const c = await scripted([[200, { code: 401, msg: 'You do not have access permissions' }]]);
    await expect(waitForTask(c, 'T', { schedule, ...fakeTime() })).rejects.toMatchObject({ code: 'E_API_AUTH' });
    expect(server!.requests).toHaveLength(1);
  });

  it('rejects a success without result URLs', async () => {
    const c = await scripted([state('success', { resultJson: '{"resultUrls":[]}' })]);
    await expect(waitForTask(c, 'T', { schedule, ...fakeTime() })).rejects.toMatchObject({ code: 'E_API_PROTOCOL' });
  });

  it('rejects promptly when aborted mid-wait (real sleep)', async () => {
    const c = await scripted([state('generating')]);
    const controller = new AbortController();
    const reason = new KieaudioError('E_ABORTED', 'user pressed ctrl-c');
    const started = Date.now();
    const pending = waitForTask(c, 'T', {
      schedule: { initialMs: 60_000, maxMs: 60_000, timeoutMs: 600_000 },
      signal: controller.signal,
      onState: () => setTimeout(() => controller.abort(reason), 5),
    });
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server!.requests).toHaveLength(1);
  });

  /** A virtual clock whose sleeps wait for the test to end them (or for their signal to abort them). */
  function heldTime() {
    let t = 1_000_000;
    let current: { at: number; resolve: () => void } | undefined;
    const sleeps: number[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    return {
      sleeps,
      /** resolves once the loop has begun its `count`th sleep */
      slept: (count: number) =>
        new Promise<void>((resolve) => {
          if (sleeps.length >= count) resolve();
          else waiters.push({ count, resolve });
        }),
      now: () => t,
      sleep: (ms: number, signal?: AbortSignal) =>
        new Promise<void>((resolve, reject) => {
          const entry = { at: t + ms, resolve };
          current = entry;
          sleeps.push(ms);
          for (const w of waiters.filter((w) => w.count <= sleeps.length)) w.resolve();
          signal?.addEventListener(
            'abort',
            () => {
              if (current === entry) current = undefined;
              reject(signal.reason);
            },
            { once: true },
          );
        }),
      /** time passes without ending the sleep */
      pass: (ms: number) => {
        t += ms;
      },
      /** the sleep ends at its time */
      wake: () => {
        const entry = current;
        if (entry === undefined) throw new Error('nothing is sleeping');
        current = undefined;
        t = entry.at;
        entry.resolve();
      },
    };
  }

  /** 3–9 s tasks, as a model's history knows them */
  const samples = [3000, 4000, 5000, 6000, 7000, 8000, 9000];
  const latency = { samples: () => samples, finished: () => undefined };
  const mid = () => 0.5;

  it('once the build has created its last task, polls sooner as the tasks ahead of it leave', async () => {
    const c = await scripted([state('generating'), state('generating'), done]);
    const time = heldTime();
    const pace = createPollPace(10);
    const others = Array.from({ length: 6 }, () => pace.join());
    const waiting = waitForTask(c, 'T', { schedule: DEFAULT_POLL_SCHEDULE, latency, pace, ...time, random: mid });
    await time.slept(1);
    time.wake(); // the first poll, at the median
    await time.slept(2);
    const busy = plannedPollDelay(6000, 1, DEFAULT_POLL_SCHEDULE, samples, mid, { inFlight: 7, pollsPerSecond: 10 });
    expect(time.sleeps[1]).toBe(busy);
    time.pass(100);
    for (const leave of others) leave();
    // the same poll planned again, from the same start, with the budget now spare
    const alone = plannedPollDelay(6000, 1, DEFAULT_POLL_SCHEDULE, samples, mid, { inFlight: 1, pollsPerSecond: 10 });
    expect(alone).toBeLessThan(busy - 100);
    await time.slept(3);
    expect(time.sleeps[2]).toBe(alone - 100);
    time.wake();
    await time.slept(4);
    time.wake();
    expect((await waiting).state).toBe('success');
    expect(server!.requests).toHaveLength(3);
    expect(pace.spare()).toEqual({ inFlight: 0, pollsPerSecond: 10 });
  });

  it('spends no spare budget while the build still has tasks to create', async () => {
    const c = await scripted([state('generating'), done]);
    const time = heldTime();
    const pace = createPollPace(10);
    pace.toCreate(1);
    const other = pace.join();
    const waiting = waitForTask(c, 'T', { schedule: DEFAULT_POLL_SCHEDULE, latency, pace, ...time, random: mid });
    await time.slept(1);
    time.wake();
    await time.slept(2);
    expect(time.sleeps[1]).toBe(plannedPollDelay(6000, 1, DEFAULT_POLL_SCHEDULE, samples, mid));
    other();
    time.wake();
    expect((await waiting).state).toBe('success');
    expect(time.sleeps).toHaveLength(2);
  });
});
