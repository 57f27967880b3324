import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, harness, T0, TURBO } from './harness.js';

afterEach(closeHarnesses);

describe('task states', () => {
  it('go waiting → queuing → generating → success across the latency', async () => {
    const h = await harness({ latencyMs: { min: 300, max: 300 } });
    const taskId = await h.createTask(TURBO, { text: 'Progress' });
    const seen: unknown[] = [];
    for (const at of [0, 99, 100, 199, 200, 299, 300, 10_000]) {
      h.clock.now = T0 + at;
      seen.push((await h.record(taskId)).state);
    }
    expect(seen).toEqual(['waiting', 'waiting', 'queuing', 'queuing', 'generating', 'generating', 'success', 'success']);
    expect(h.sim.task(taskId)?.state).toBe('success');
  });

  it('report times: updateTime at each transition, costTime and completeTime once done', async () => {
    const h = await harness({ latencyMs: { min: 300, max: 300 } });
    const taskId = await h.createTask(TURBO, { text: 'Times' });
    h.clock.now = T0 + 150;
    const running = await h.record(taskId);
    expect(running).toMatchObject({ createTime: T0, updateTime: T0 + 100, completeTime: null, costTime: null });
    expect(running.resultJson).toBe('');
    h.clock.now = T0 + 5000;
    const done = await h.record(taskId);
    expect(done).toMatchObject({ createTime: T0, updateTime: T0 + 300, completeTime: T0 + 300, costTime: 300 });
  });

  it('draw latencies within the configured range', async () => {
    const h = await harness({ latencyMs: { min: 100, max: 200 } });
    for (let i = 0; i < 10; i++) {
      const task = h.sim.task(await h.createTask(TURBO, { text: `Line ${i}` }));
      const latency = (task?.completesAt ?? 0) - (task?.createdAt ?? 0);
      expect(latency).toBeGreaterThanOrEqual(100);
      expect(latency).toBeLessThanOrEqual(200);
    }
  });

  it('report creditsConsumed only once the task succeeded', async () => {
    const h = await harness({ latencyMs: { min: 300, max: 300 } });
    const taskId = await h.createTask(TURBO, { text: 'x'.repeat(250) });
    expect((await h.record(taskId)).creditsConsumed).toBe(0);
    expect((await h.finish(taskId)).creditsConsumed).toBe(3);
  });
});
