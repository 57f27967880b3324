import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, EFFECT, harness, resultUrlOf, TURBO } from './harness.js';

afterEach(closeHarnesses);

describe('the envelope and its quirks', () => {
  it('createTask says msg and returns taskId and recordId', async () => {
    const h = await harness();
    const answer = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: TURBO, input: { text: 'x' } } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ code: 200, msg: 'success' });
    expect(answer.json).not.toHaveProperty('message');
    const data = answer.json?.data as Record<string, unknown>;
    expect(data.taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof data.recordId).toBe('string');
    expect(data.recordId).not.toBe(data.taskId);
  });

  it('recordInfo says message, not msg, in success and in errors', async () => {
    const h = await harness();
    const taskId = await h.createTask(TURBO, { text: 'x' });
    const ok = await h.api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`);
    expect(ok.json).toMatchObject({ code: 200, message: 'success' });
    expect(ok.json).not.toHaveProperty('msg');
    const unknown = await h.api('GET', '/api/v1/jobs/recordInfo?taskId=0123456789abcdef0123456789abcdef');
    expect(unknown.json).toEqual({ code: 422, message: 'recordInfo is null', data: null });
    const missing = await h.api('GET', '/api/v1/jobs/recordInfo');
    expect(missing.status).toBe(200);
    expect(missing.json).toEqual({ code: 400, message: 'taskId is required', data: null });
  });

  it('recordInfo carries param and resultJson as JSON strings and failCode as a string', async () => {
    const h = await harness();
    const body = { model: EFFECT, input: { text: 'Rain on a tin roof', duration_seconds: 3 }, callBackUrl: 'https://example.com/cb' };
    const created = await h.api('POST', '/api/v1/jobs/createTask', { body });
    const taskId = (created.json?.data as { taskId: string } | undefined)?.taskId ?? '';

    const running = await h.record(taskId);
    expect(running).toMatchObject({ taskId, model: EFFECT, resultJson: '', failCode: '', failMsg: '' });
    expect(typeof running.param).toBe('string');
    expect(JSON.parse(String(running.param))).toEqual(body);

    const done = await h.finish(taskId);
    expect(done.state).toBe('success');
    expect(typeof done.resultJson).toBe('string');
    const result = JSON.parse(String(done.resultJson)) as { resultUrls: unknown };
    expect(result.resultUrls).toEqual([h.sim.task(taskId)?.resultUrl]);
    expect(done.failCode).toBe('');
    expect(done.creditsConsumed).toBe(12);
    expect(h.sim.task(taskId)?.callBackUrl).toBe('https://example.com/cb');
  });

  it('download-url and credit say msg', async () => {
    const h = await harness();
    const taskId = await h.createTask(TURBO, { text: 'x' });
    const url = resultUrlOf(await h.finish(taskId));
    const signed = await h.api('POST', '/api/v1/common/download-url', { body: { url } });
    expect(signed.json).toMatchObject({ code: 200, msg: 'success' });
    expect(typeof signed.json?.data).toBe('string');
    expect((await h.api('GET', '/api/v1/chat/credit')).json).toMatchObject({ code: 200, msg: 'success' });
  });

  it('answers unknown routes and wrong methods with a real HTTP 404', async () => {
    const h = await harness();
    expect((await h.api('GET', '/api/v1/account/balance')).status).toBe(404);
    expect((await h.api('GET', '/api/v1/jobs/createTask')).status).toBe(404);
    expect((await h.api('POST', '/api/v1/chat/credit')).status).toBe(404);
    expect((await h.get(`${h.sim.url}/files/nope/nothing.mp3`)).status).toBe(404);
    expect(h.sim.stats().requestsByRoute.unrouted).toBe(3);
  });

  it('answers HTTP status = code for validation errors when errorsAsBodyCode is off', async () => {
    const h = await harness({ faults: { errorsAsBodyCode: false } });
    const badModel = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: 'nope', input: { text: 'x' } } });
    expect(badModel.status).toBe(422);
    const badVoice = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: TURBO, input: { text: 'x', voice: 'rachel' } } });
    expect(badVoice.status).toBe(500);
    expect(badVoice.json?.msg).toBe('This voice is not within the range of allowed options');
    const nullRecord = await h.api('GET', '/api/v1/jobs/recordInfo?taskId=abc');
    expect(nullRecord.status).toBe(422);
  });
});
