import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, EFFECT, harness, TURBO } from './harness.js';

afterEach(closeHarnesses);

const AUTH = { code: 401, msg: 'You do not have access permissions', data: null };
const ROUTES = [
  ['POST', '/api/v1/jobs/createTask'],
  ['GET', '/api/v1/jobs/recordInfo?taskId=x'],
  ['POST', '/api/v1/common/download-url'],
  ['GET', '/api/v1/chat/credit'],
] as const;

describe('authentication', () => {
  it.each(ROUTES)('%s %s: a missing or unknown key gets code 401 inside HTTP 200', async (method, path) => {
    const h = await harness();
    for (const key of [null, 'wrong-key']) {
      const answer = await h.api(method, path, { key, body: { model: TURBO, input: { text: 'x' } } });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(AUTH);
    }
    expect(h.sim.stats().tasksCreated).toBe(0);
  });

  it('answers HTTP 401 too when errorsAsBodyCode is off', async () => {
    const h = await harness({ faults: { errorsAsBodyCode: false } });
    const answer = await h.api('GET', '/api/v1/chat/credit', { key: 'wrong-key' });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(AUTH);
  });

  it('accepts any configured key, each its own account', async () => {
    const h = await harness({ apiKeys: ['alpha', 'beta'], credits: 50 });
    const taskId = await h.createTask(TURBO, { text: 'x' }, 'alpha');
    expect((await h.api('GET', '/api/v1/chat/credit', { key: 'alpha' })).json?.data).toBe(49);
    expect((await h.api('GET', '/api/v1/chat/credit', { key: 'beta' })).json?.data).toBe(50);
    // another account's task is not visible
    const foreign = await h.api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`, { key: 'beta' });
    expect(foreign.json).toMatchObject({ code: 422, message: 'recordInfo is null' });
    expect((await h.api('GET', '/api/v1/chat/credit', { key: 'sim-key' })).json?.code).toBe(401);
  });
});

describe('createTask rate limit', () => {
  it('refuses with HTTP 429 over the sliding window, makes no task, and admits again as the window slides', async () => {
    const h = await harness({ rateLimit: { requests: 3, intervalMs: 1000 } });
    for (let i = 0; i < 3; i++) {
      await h.createTask(TURBO, { text: `line ${i}` });
      h.clock.advance(100);
    }
    const refused = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: TURBO, input: { text: 'x' } } });
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ code: 429 });
    expect(typeof refused.json?.msg).toBe('string');
    expect(h.sim.stats()).toMatchObject({ createRequests: 4, tasksCreated: 3, rejected429: 1 });

    // the first admitted request (at +0) leaves the window at +1000; refused attempts never entered it
    h.clock.now += 1000 - 300;
    await h.createTask(TURBO, { text: 'again' });
    const refusedAgain = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: TURBO, input: { text: 'x' } } });
    expect(refusedAgain.status).toBe(429);
    expect(h.sim.stats()).toMatchObject({ tasksCreated: 4, rejected429: 2 });
  });

  it('limits per key and not polls', async () => {
    const h = await harness({ apiKeys: ['a', 'b'], rateLimit: { requests: 1, intervalMs: 10_000 } });
    const taskId = await h.createTask(TURBO, { text: 'x' }, 'a');
    await h.createTask(TURBO, { text: 'x' }, 'b');
    for (let i = 0; i < 5; i++) expect((await h.record(taskId, 'a')).taskId).toBe(taskId);
  });

  it('defaults to 20 per 10 s', async () => {
    const h = await harness();
    for (let i = 0; i < 20; i++) await h.createTask(EFFECT, { text: `hit ${i}` });
    const refused = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: EFFECT, input: { text: 'x' } } });
    expect(refused.status).toBe(429);
    h.clock.advance(10_000);
    await h.createTask(EFFECT, { text: 'later' });
  });

  it('can be switched off', async () => {
    const h = await harness({ rateLimit: false });
    for (let i = 0; i < 30; i++) await h.createTask(EFFECT, { text: `hit ${i}` });
    expect(h.sim.stats().rejected429).toBe(0);
  });
});

describe('recordInfo rate limit', () => {
  it('refuses polls over pollRateLimit with HTTP 429', async () => {
    const h = await harness({ pollRateLimit: { requests: 2, intervalMs: 1000 } });
    const taskId = await h.createTask(TURBO, { text: 'x' });
    await h.record(taskId);
    await h.record(taskId);
    const refused = await h.api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`);
    expect(refused.status).toBe(429);
    expect(refused.json?.code).toBe(429);
    h.clock.advance(1000);
    await h.record(taskId);
    expect(h.sim.stats()).toMatchObject({ polls: 4, rejected429: 1 });
  });
});

describe('credits', () => {
  it('GET /api/v1/chat/credit answers the balance as a bare number', async () => {
    const h = await harness({ credits: 1234 });
    const answer = await h.api('GET', '/api/v1/chat/credit');
    expect(answer.json).toEqual({ code: 200, msg: 'success', data: 1234 });
    expect(h.sim.stats().creditRequests).toBe(1);
  });

  it('charges 1 per started 100 characters of speech and 12 per effect', async () => {
    const h = await harness({ credits: 100 });
    await h.createTask(TURBO, { text: 'a'.repeat(100) });
    await h.createTask(TURBO, { text: 'a'.repeat(101) });
    await h.createTask(EFFECT, { text: 'boom' });
    expect((await h.api('GET', '/api/v1/chat/credit')).json?.data).toBe(100 - 1 - 2 - 12);
    expect(h.sim.stats().creditsCharged).toBe(15);
  });

  it('refuses with code 402 when the balance cannot cover the task, creating nothing', async () => {
    const h = await harness();
    h.sim.setCredits('sim-key', 11);
    const refused = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: EFFECT, input: { text: 'boom' } } });
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ code: 402, msg: 'insufficient credits', data: null });
    expect(h.sim.stats()).toMatchObject({ createRequests: 1, tasksCreated: 0, creditsCharged: 0 });
    // a cheaper task still fits
    await h.createTask(TURBO, { text: 'x' });
    expect((await h.api('GET', '/api/v1/chat/credit')).json?.data).toBe(10);
  });

  it('answers HTTP 402 when errorsAsBodyCode is off', async () => {
    const h = await harness({ credits: 0, faults: { errorsAsBodyCode: false } });
    const refused = await h.api('POST', '/api/v1/jobs/createTask', { body: { model: TURBO, input: { text: 'x' } } });
    expect(refused.status).toBe(402);
    expect(refused.json?.code).toBe(402);
  });
});
