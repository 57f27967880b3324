import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/store/canonical-json.js';
import { closeHarnesses, EFFECT, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

describe('stats', () => {
  it('count requests per route and kind, downloads and charges per spec', async () => {
    const h = await harness({ rateLimit: { requests: 3, intervalMs: 10_000 } });
    const voice = { voice: 'Rachel', text: 'Hello there' };
    const effect = { text: 'Boom', duration_seconds: 1 };
    const a = await h.createTask(TURBO, voice);
    const b = await h.createTask(TURBO, { text: 'Hello there', voice: 'Rachel' }); // same spec, other key order
    const c = await h.createTask(EFFECT, effect);
    await h.api('POST', '/api/v1/jobs/createTask', { body: { model: TURBO, input: voice } }); // 429
    await h.api('POST', '/api/v1/jobs/createTask', { body: { model: 'nope', input: voice } }); // 429 before validation
    for (const id of [a, b, c]) await h.get(resultUrlOf(await h.finish(id)));
    await h.api('POST', '/api/v1/common/download-url', { body: { url: h.sim.task(a)?.resultUrl } });
    await h.api('GET', '/api/v1/chat/credit');
    await h.api('GET', '/nope');

    const stats = h.sim.stats();
    expect(stats).toMatchObject({
      createRequests: 5,
      tasksCreated: 3,
      rejected429: 2,
      polls: 3,
      downloads: 3,
      downloadUrlRequests: 1,
      creditRequests: 1,
      creditsCharged: 1 + 1 + 12,
    });
    expect(stats.chargesBySpec).toEqual({
      [canonicalJson({ model: TURBO, input: voice })]: 2,
      [canonicalJson({ model: EFFECT, input: effect })]: 1,
    });
    expect(Object.keys(stats.chargesBySpec)[0]).toBe(
      '{"input":{"text":"Hello there","voice":"Rachel"},"model":"elevenlabs/text-to-speech-turbo-2-5"}',
    );
    expect(stats.requestsByRoute).toEqual({
      'POST /api/v1/jobs/createTask': 5,
      'GET /api/v1/jobs/recordInfo': 3,
      'GET /files/*': 3,
      'POST /api/v1/common/download-url': 1,
      'GET /api/v1/chat/credit': 1,
      unrouted: 1,
    });
  });

  it('returns snapshots that later requests do not change', async () => {
    const h = await harness();
    const before = h.sim.stats();
    await h.createTask(TURBO, { text: 'x' });
    expect(before.tasksCreated).toBe(0);
    expect(before.chargesBySpec).toEqual({});
    expect(h.sim.stats().tasksCreated).toBe(1);
  });

  it('task() returns a copy of the served bytes', async () => {
    const h = await harness();
    const taskId = await h.createTask(TURBO, { text: 'Copy' });
    const url = resultUrlOf(await h.finish(taskId));
    h.sim.task(taskId)?.result?.fill(0);
    const file = await h.get(url);
    expect(file.bytes.equals(h.sim.task(taskId)?.result ?? Buffer.alloc(0))).toBe(true);
    expect(file.bytes.some((b) => b !== 0)).toBe(true);
    expect(h.sim.task('unknown')).toBeUndefined();
  });
});
