import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, EFFECT, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

const CREATE = { body: { model: TURBO, input: { text: 'Fault line' } } };

describe('faults', () => {
  it('http500: API routes answer HTTP 500 and no task is made', async () => {
    const h = await harness({ faults: { http500: 1 } });
    const create = await h.api('POST', '/api/v1/jobs/createTask', CREATE);
    expect(create.status).toBe(500);
    expect((await h.api('GET', '/api/v1/chat/credit')).status).toBe(500);
    expect((await h.api('GET', '/api/v1/jobs/recordInfo?taskId=x')).status).toBe(500);
    expect(h.sim.stats()).toMatchObject({ createRequests: 1, tasksCreated: 0, creditsCharged: 0 });
  });

  it('connectionReset: the connection dies without an answer and no task is made', async () => {
    const h = await harness({ faults: { connectionReset: 1 } });
    await expect(h.api('POST', '/api/v1/jobs/createTask', CREATE)).rejects.toThrow();
    await expect(h.api('GET', '/api/v1/chat/credit')).rejects.toThrow();
    expect(h.sim.stats()).toMatchObject({ createRequests: 1, tasksCreated: 0 });
  });

  it('lostCreateResponse: the task is created and charged, but the answer never comes', async () => {
    const h = await harness({ faults: { lostCreateResponse: 1 }, credits: 100 });
    await expect(h.api('POST', '/api/v1/jobs/createTask', CREATE)).rejects.toThrow();
    expect(h.sim.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1, creditsCharged: 1 });
    h.sim.setFaults({ lostCreateResponse: 0 });
    expect((await h.api('GET', '/api/v1/chat/credit')).json?.data).toBe(99);
  });

  it('slowMs: every answer is delayed', async () => {
    const h = await harness({ faults: { slowMs: 60 } });
    const start = performance.now();
    await h.api('GET', '/api/v1/chat/credit');
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
  });

  it('invalidJson: HTTP 200 with a body that is not JSON, and no task', async () => {
    const h = await harness({ faults: { invalidJson: 1 } });
    const create = await h.api('POST', '/api/v1/jobs/createTask', CREATE);
    expect(create.status).toBe(200);
    expect(create.text.length).toBeGreaterThan(0);
    expect(create.json).toBeUndefined();
    expect((await h.api('GET', '/api/v1/jobs/recordInfo?taskId=x')).json).toBeUndefined();
    expect(h.sim.stats().tasksCreated).toBe(0);
  });

  it('truncatedDownload: Content-Length announces the whole file but the body stops early', async () => {
    const h = await harness({ faults: { truncatedDownload: 1 } });
    const taskId = await h.createTask(TURBO, { text: 'Cut short' });
    const url = resultUrlOf(await h.finish(taskId));
    const res = await request(url);
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(h.sim.task(taskId)?.result?.length);
    await expect(res.body.arrayBuffer()).rejects.toThrow();
    expect(h.sim.stats().downloads).toBe(0);
    h.sim.setFaults({ truncatedDownload: 0 });
    expect((await h.get(url)).status).toBe(200);
    expect(h.sim.stats().downloads).toBe(1);
  });

  it('download404: the result file answers 404', async () => {
    const h = await harness({ faults: { download404: 1 } });
    const url = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'Gone' })));
    expect((await h.get(url)).status).toBe(404);
    h.sim.setFaults({ download404: 0 });
    expect((await h.get(url)).status).toBe(200);
  });

  it('taskFail: the task ends in fail with failCode "500", costs nothing and has no result', async () => {
    const h = await harness({ faults: { taskFail: 1 }, credits: 100 });
    const taskId = await h.createTask(EFFECT, { text: 'Explosion' });
    const record = await h.finish(taskId);
    expect(record).toMatchObject({
      state: 'fail',
      failCode: '500',
      failMsg: 'internal error, please try again later',
      resultJson: '',
      creditsConsumed: 0,
    });
    expect(h.sim.task(taskId)).toMatchObject({ outcome: 'fail', credits: 0, result: undefined, resultUrl: undefined });
    expect(h.sim.stats()).toMatchObject({ tasksCreated: 1, creditsCharged: 0, chargesBySpec: {} });
    expect((await h.api('GET', '/api/v1/chat/credit')).json?.data).toBe(100);
  });

  it('burst429: createTask answers HTTP 429 even with the limiter off, and makes no task', async () => {
    const h = await harness({ rateLimit: false, faults: { burst429: 1 } });
    const answer = await h.api('POST', '/api/v1/jobs/createTask', CREATE);
    expect(answer.status).toBe(429);
    expect(answer.json?.code).toBe(429);
    expect(h.sim.stats()).toMatchObject({ tasksCreated: 0, rejected429: 1 });
    // polls are not affected
    expect((await h.api('GET', '/api/v1/chat/credit')).status).toBe(200);
  });

  it('recordInvisibleMs: recordInfo answers "recordInfo is null" right after creation', async () => {
    const h = await harness({ faults: { recordInvisibleMs: 500 }, latencyMs: { min: 1000, max: 1000 } });
    const taskId = await h.createTask(TURBO, { text: 'Not yet' });
    const hidden = await h.api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`);
    expect(hidden.json).toMatchObject({ code: 422, message: 'recordInfo is null' });
    h.clock.advance(499);
    expect((await h.api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`)).json?.code).toBe(422);
    h.clock.advance(1);
    expect((await h.record(taskId)).state).toBe('queuing');
  });

  it('are reproducible for a seed', async () => {
    async function outcomes(seed: number): Promise<string[]> {
      const h = await harness({ seed, rateLimit: false, faults: { taskFail: 0.5 } });
      const list: string[] = [];
      for (let i = 0; i < 24; i++) list.push(h.sim.task(await h.createTask(TURBO, { text: `n${i}` }))?.outcome ?? '');
      return list;
    }
    const first = await outcomes(42);
    expect(await outcomes(42)).toEqual(first);
    expect(first).toContain('fail');
    expect(first).toContain('success');
  });

  it('setFaults merges and validates', async () => {
    const h = await harness({ faults: { http500: 1 } });
    h.sim.setFaults({ slowMs: 0 });
    expect((await h.api('GET', '/api/v1/chat/credit')).status).toBe(500);
    h.sim.setFaults({ http500: 0 });
    expect((await h.api('GET', '/api/v1/chat/credit')).status).toBe(200);
    expect(() => h.sim.setFaults({ taskFail: 2 })).toThrow(RangeError);
  });
});
