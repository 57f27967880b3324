import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

describe('result expiry', () => {
  it('after resultTtlMs, files answer 404, recordInfo "recordInfo is null" and download-url 404', async () => {
    const h = await harness({ resultTtlMs: 60_000, latencyMs: { min: 100, max: 100 } });
    const taskId = await h.createTask(TURBO, { text: 'Fleeting' });
    const url = resultUrlOf(await h.finish(taskId));
    h.clock.advance(59_999);
    expect((await h.get(url)).status).toBe(200);
    expect((await h.record(taskId)).state).toBe('success');

    h.clock.advance(1);
    expect((await h.get(url)).status).toBe(404);
    const record = await h.api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`);
    expect(record.json).toMatchObject({ code: 422, message: 'recordInfo is null' });
    const signed = await h.api('POST', '/api/v1/common/download-url', { body: { url } });
    expect(signed.json).toMatchObject({ code: 404 });
    // the bytes stay inspectable for tests
    expect(h.sim.task(taskId)?.result?.length).toBeGreaterThan(0);
  });

  it('serves no result before the task has succeeded', async () => {
    const h = await harness({ latencyMs: { min: 1000, max: 1000 } });
    const taskId = await h.createTask(TURBO, { text: 'Early' });
    const url = h.sim.task(taskId)?.resultUrl ?? '';
    expect((await h.get(url)).status).toBe(404);
    h.clock.advance(1000);
    expect((await h.get(url)).status).toBe(200);
  });
});
