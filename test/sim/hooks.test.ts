/**
 * The simulator's test hooks: `onRequest` (act at the exact moment a request arrives, and hold
 * its answer) and `downloadPacing` (keep a result download open, partly received).
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimRequest, startSimulator } from '../../src/sim/index.js';
import { closeHarnesses, EFFECT, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

const CREATE = { body: { model: TURBO, input: { text: 'Hook line' } } };

describe('onRequest', () => {
  it('sees every request with its route, method and path, before it is answered', async () => {
    const seen: SimRequest[] = [];
    const h = await harness({ onRequest: (r) => void seen.push(r) });
    const taskId = await h.createTask(TURBO, { text: 'Hook line' });
    const record = await h.finish(taskId);
    await h.get(resultUrlOf(record));
    await h.api('GET', '/api/v1/chat/credit');
    await h.api('GET', '/nope');
    expect(seen.map((r) => r.route)).toEqual([
      'POST /api/v1/jobs/createTask',
      'GET /api/v1/jobs/recordInfo',
      'GET /files/*',
      'GET /api/v1/chat/credit',
      'unrouted',
    ]);
    expect(seen[1]).toEqual({ route: 'GET /api/v1/jobs/recordInfo', method: 'GET', path: '/api/v1/jobs/recordInfo' });
    expect(seen[2]?.path).toBe(new URL(resultUrlOf(record)).pathname);
  });

  it('holds the answer until its promise settles: a held createTask has made no task yet', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    const h = await harness({
      onRequest: async (r) => {
        if (r.route !== 'POST /api/v1/jobs/createTask') return;
        arrived = true;
        await held;
      },
    });
    const answer = h.api('POST', '/api/v1/jobs/createTask', CREATE);
    await expect.poll(() => arrived).toBe(true);
    expect(h.sim.stats()).toMatchObject({ createRequests: 1, tasksCreated: 0 });
    release();
    expect((await answer).json?.code).toBe(200);
    expect(h.sim.stats().tasksCreated).toBe(1);
  });

  it('a throwing hook is answered as a simulator error, and nothing is created', async () => {
    const h = await harness({
      onRequest: () => {
        throw new Error('hook failed');
      },
    });
    const answer = await h.api('POST', '/api/v1/jobs/createTask', CREATE);
    expect(answer.status).toBe(500);
    expect(answer.text).toContain('hook failed');
    expect(h.sim.stats().tasksCreated).toBe(0);
  });

  it('close() does not wait for a hook that never settles', async () => {
    const sim = await startSimulator({ rateLimit: false, onRequest: () => new Promise<void>(() => undefined) });
    const agent = new Agent();
    const pending = request(`${sim.url}/api/v1/chat/credit`, { dispatcher: agent, headers: { authorization: 'Bearer sim-key' } });
    await expect.poll(() => sim.stats().creditRequests).toBe(1);
    await sim.close();
    await expect(pending).rejects.toThrow();
    await agent.close();
  });
});

describe('downloadPacing', () => {
  const INPUT = { text: 'Long hum', duration_seconds: 1, output_format: 'pcm_16000' }; // 32 000 bytes

  it('streams a result in chunks over time; the bytes are exactly the task result', async () => {
    const h = await harness({ downloadPacing: { chunkBytes: 8_000, intervalMs: 30 } });
    const taskId = await h.createTask(EFFECT, INPUT);
    const url = resultUrlOf(await h.finish(taskId));
    const start = performance.now();
    const res = await request(url);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(Buffer.from(c as Uint8Array));
    const elapsed = performance.now() - start;
    const body = Buffer.concat(chunks);
    expect(res.headers['content-length']).toBe('32000');
    expect(body.equals(h.sim.task(taskId)?.result ?? Buffer.alloc(0))).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 30 - 5); // three gaps between four chunks
    expect(h.sim.stats().downloads).toBe(1);
  });

  it('a client that goes away mid-stream stops the sender; the simulator keeps serving', async () => {
    const h = await harness({ downloadPacing: { chunkBytes: 4_000, intervalMs: 20 } });
    const taskId = await h.createTask(EFFECT, INPUT);
    const url = resultUrlOf(await h.finish(taskId));
    const controller = new AbortController();
    const res = await request(url, { signal: controller.signal });
    const first = await res.body[Symbol.asyncIterator]().next();
    expect(first.done).toBe(false);
    controller.abort();
    expect(h.sim.stats().downloads).toBe(0);
    const again = await h.get(url);
    expect(again.bytes.length).toBe(32_000);
    expect(h.sim.stats().downloads).toBe(1);
  });

  it('rejects a pacing that cannot work', async () => {
    await expect(startSimulator({ downloadPacing: { chunkBytes: 0, intervalMs: 10 } })).rejects.toThrow(RangeError);
    await expect(startSimulator({ downloadPacing: { chunkBytes: 1.5, intervalMs: 10 } })).rejects.toThrow(RangeError);
    await expect(startSimulator({ downloadPacing: { chunkBytes: 10, intervalMs: -1 } })).rejects.toThrow(RangeError);
  });
});
