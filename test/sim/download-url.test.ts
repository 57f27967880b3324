import { afterEach, describe, expect, it } from 'vitest';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { closeHarnesses, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

async function signedUrl(h: Awaited<ReturnType<typeof harness>>, url: string): Promise<string> {
  const answer = await h.api('POST', '/api/v1/common/download-url', { body: { url } });
  expect(answer.json).toMatchObject({ code: 200, msg: 'success' });
  return String(answer.json?.data);
}

describe('download-url', () => {
  it('gets past resultUrlForbidden: the plain URL answers 403, the signed one the exact bytes', async () => {
    const h = await harness({ faults: { resultUrlForbidden: 1 } });
    const taskId = await h.createTask(TURBO, { text: 'Signed' });
    const url = resultUrlOf(await h.finish(taskId));
    expect((await h.get(url)).status).toBe(403);
    expect((await h.get(url)).status).toBe(403);

    const signed = await signedUrl(h, url);
    expect(signed.startsWith(`${url}?`)).toBe(true);
    const file = await h.get(signed);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(h.sim.task(taskId)?.result ?? Buffer.alloc(0))).toBe(true);
    expect(inspectAudio(file.bytes).container).toBe('mp3');
    expect(h.sim.stats()).toMatchObject({ downloadUrlRequests: 1, downloads: 1 });
  });

  it('keeps a result forbidden once it was, even after the fault is switched off', async () => {
    const h = await harness({ faults: { resultUrlForbidden: 1 } });
    const url = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'Sticky' })));
    expect((await h.get(url)).status).toBe(403);
    h.sim.setFaults({ resultUrlForbidden: 0 });
    expect((await h.get(url)).status).toBe(403);
    const other = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'Other' })));
    expect((await h.get(other)).status).toBe(200);
  });

  it('signs links valid for 20 minutes', async () => {
    const h = await harness({ faults: { resultUrlForbidden: 1 } });
    const url = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'Expiring' })));
    const signed = await signedUrl(h, url);
    h.clock.advance(20 * 60 * 1000 - 1);
    expect((await h.get(signed)).status).toBe(200);
    h.clock.advance(1);
    expect((await h.get(signed)).status).toBe(403);
  });

  it('rejects a forged signature and a signature for another file', async () => {
    const h = await harness({ faults: { resultUrlForbidden: 1 } });
    const a = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'A' })));
    const b = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'B' })));
    const signedA = await signedUrl(h, a);
    expect((await h.get(`${a}?sig=00&expires=9999999999999`)).status).toBe(403);
    expect((await h.get(b + signedA.slice(a.length))).status).toBe(403);
  });

  it('answers 422 for URLs that are not its own result files', async () => {
    const h = await harness();
    for (const url of ['https://example.com/a.mp3', `${h.sim.url}/files/unknown/x.mp3`, 'not a url']) {
      const answer = await h.api('POST', '/api/v1/common/download-url', { body: { url } });
      expect(answer.json).toMatchObject({ code: 422 });
    }
    expect((await h.api('POST', '/api/v1/common/download-url', { body: {} })).json).toMatchObject({ code: 422 });
  });

  it('accepts its URLs spelled with localhost', async () => {
    const h = await harness();
    const url = resultUrlOf(await h.finish(await h.createTask(TURBO, { text: 'Local' })));
    const signed = await signedUrl(h, url.replace('127.0.0.1', 'localhost'));
    expect((await h.get(signed)).status).toBe(200);
  });
});
