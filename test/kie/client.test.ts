import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, KieaudioError } from '../../src/errors.js';
import { createKieClient, type KieClient } from '../../src/kie/client.js';
import { closedPort, errorTexts, type Handler, sendJson, startServer, type TestServer } from '../helpers/http.js';

const KEY = 'sk-TOPSECRET-0123456789abcdef';

let server: TestServer | undefined;
let client: KieClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(handler: Handler, options: { requestTimeoutMs?: number; baseSuffix?: string } = {}): Promise<KieClient> {
  server = await startServer(handler);
  client = createKieClient({
    baseUrl: server.url + (options.baseSuffix ?? ''),
    apiKey: KEY,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  return client;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

function expectNoKey(error: unknown): void {
  for (const text of errorTexts(error)) expect(text).not.toContain(KEY);
  expect(String(error)).not.toContain(KEY);
}

describe('requests', () => {
  it('sends the bearer key and JSON content type on every call, and tolerates a trailing slash', async () => {
    const c = await setup(
      (req, res) => {
        if (req.url?.startsWith('/api/v1/jobs/createTask'))
          return sendJson(res, 200, { code: 200, msg: 'success', data: { taskId: 't1', recordId: 'r1' } });
        if (req.url?.startsWith('/api/v1/jobs/recordInfo'))
          return sendJson(res, 200, { code: 200, message: 'success', data: { taskId: 't1', state: 'waiting' } });
        if (req.url?.startsWith('/api/v1/common/download-url'))
          return sendJson(res, 200, { code: 200, msg: 'success', data: 'https://signed.example/a.mp3' });
        if (req.url?.startsWith('/api/v1/chat/credit')) return sendJson(res, 200, { code: 200, msg: 'success', data: 100 });
        sendJson(res, 404, { code: 404, msg: 'no route' });
      },
      { baseSuffix: '/' },
    );
    expect(await c.createTask({ model: 'm/x', input: { text: 'hi' } })).toEqual({ taskId: 't1' });
    expect(await c.getTask('t 1/&')).toMatchObject({ taskId: 't1', state: 'pending', rawState: 'waiting' });
    expect(await c.getDownloadUrl('https://cdn.example/a.mp3')).toBe('https://signed.example/a.mp3');
    expect(await c.getCredits()).toBe(100);

    const [create, info, dl, credit] = server!.requests;
    for (const r of server!.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(create).toMatchObject({ method: 'POST', url: '/api/v1/jobs/createTask' });
    expect(JSON.parse(create!.body)).toEqual({ model: 'm/x', input: { text: 'hi' } });
    expect(info).toMatchObject({ method: 'GET', url: '/api/v1/jobs/recordInfo?taskId=t+1%2F%26' });
    expect(dl).toMatchObject({ method: 'POST', url: '/api/v1/common/download-url' });
    expect(JSON.parse(dl!.body)).toEqual({ url: 'https://cdn.example/a.mp3' });
    expect(credit).toMatchObject({ method: 'GET', url: '/api/v1/chat/credit' });
  });

  it('sends callBackUrl only when given', async () => {
    const c = await setup((_req, res) => sendJson(res, 200, { code: 200, data: { taskId: 't' } }));
    await c.createTask({ model: 'm', input: {}, callBackUrl: 'https://hook.example/x' });
    expect(JSON.parse(server!.requests[0]!.body)).toEqual({ model: 'm', input: {}, callBackUrl: 'https://hook.example/x' });
  });

  it('refuses an empty key and a non-http base URL', () => {
    expect(() => createKieClient({ baseUrl: 'https://api.kie.ai', apiKey: ' ' })).toThrow(KieaudioError);
    expect(() => createKieClient({ baseUrl: 'ftp://x', apiKey: KEY })).toThrow(/http/);
  });
});

describe('error classification over HTTP', () => {
  const codes: [number, string, boolean][] = [
    [400, 'E_API_INPUT', false],
    [401, 'E_API_AUTH', false],
    [402, 'E_API_CREDITS', false],
    [404, 'E_API_NOT_FOUND', false],
    [422, 'E_API_INPUT', false],
    [429, 'E_API_RATE_LIMIT', true],
    [433, 'E_API_RATE_LIMIT', true],
    [455, 'E_API_UNAVAILABLE', true],
    [500, 'E_API_UNAVAILABLE', true],
    [501, 'E_TASK_FAILED', false],
    [503, 'E_API_UNAVAILABLE', true],
    [505, 'E_API', false],
  ];

  it.each(codes)('%i as HTTP status and as body code in HTTP 200 → %s', async (code, expected, retryable) => {
    let asStatus = true;
    const c = await setup((_req, res) =>
      asStatus ? sendJson(res, code, { code, msg: `m${code}` }) : sendJson(res, 200, { code, message: `m${code}` }),
    );
    const byStatus = await failure(c.getCredits());
    asStatus = false;
    const byBody = await failure(c.getCredits());
    for (const error of [byStatus, byBody]) {
      expect(error.code).toBe(expected);
      expect(error.retryable).toBe(retryable);
      expect(error.apiCode).toBe(code);
      expect(error.message).toContain(`m${code}`);
      expect(error.details).toMatchObject({ apiCode: code, route: 'GET /api/v1/chat/credit' });
    }
    expect(byStatus.status).toBe(code);
    expect(byBody.status).toBe(200);
  });

  it('classifies an HTTP error without a JSON body by status', async () => {
    const c = await setup((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    const error = await failure(c.getCredits());
    expect(error).toMatchObject({ code: 'E_API_UNAVAILABLE', retryable: true, status: 502, apiCode: undefined });
    // a proxy's 502 and kie's own are told apart by the server named
    expect(error.message).toBe(`GET /api/v1/chat/credit at ${server!.url}: server error (HTTP 502)`);
  });

  it('parses Retry-After on a 429', async () => {
    const c = await setup((_req, res) => sendJson(res, 429, { code: 429, msg: 'slow down' }, { 'retry-after': '3' }));
    expect((await failure(c.getCredits())).retryAfterMs).toBe(3000);
  });

  it('treats a 200 that is not an envelope, or lacks data, as a protocol error', async () => {
    let body: string = 'not json';
    const c = await setup((_req, res) => sendJson(res, 200, body));
    expect(await failure(c.getCredits())).toMatchObject({ code: 'E_API_PROTOCOL', retryable: true });
    body = JSON.stringify({ code: 200, msg: 'success', data: 'lots' });
    expect(await failure(c.getCredits())).toMatchObject({ code: 'E_API_PROTOCOL' });
    body = JSON.stringify({ code: 200, msg: 'success', data: null });
    expect(await failure(c.getTask('t'))).toMatchObject({ code: 'E_API_PROTOCOL' });
    expect(await failure(c.getDownloadUrl('u'))).toMatchObject({ code: 'E_API_PROTOCOL' });
  });

  it('reports refused connections as E_NETWORK', async () => {
    const port = await closedPort();
    client = createKieClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    const error = await failure(client.getCredits());
    expect(error).toMatchObject({ code: 'E_NETWORK', retryable: true });
    expect(error.details.errno).toBe('ECONNREFUSED');
  });
});

describe('getTask', () => {
  it('normalizes recordInfo', async () => {
    const c = await setup((_req, res) =>
      sendJson(res, 200, {
        code: 200,
        message: 'success',
        data: {
          taskId: 't9',
          state: 'fail',
          param: '{"model":"m","input":{"text":"x"}}',
          resultJson: '',
          failCode: 500,
          failMsg: 'Internal Error',
          creditsConsumed: 0,
        },
      }),
    );
    expect(await c.getTask('t9')).toMatchObject({
      taskId: 't9',
      state: 'fail',
      failCode: '500',
      failMsg: 'Internal Error',
      creditsConsumed: 0,
      param: { model: 'm', input: { text: 'x' } },
      resultUrls: [],
    });
  });

  it('marks "recordInfo is null" (422) and a 404 envelope as recordMissing', async () => {
    let reply: [number, unknown] = [200, { code: 422, msg: 'recordInfo is null' }];
    const c = await setup((_req, res) => sendJson(res, reply[0], reply[1]));
    const e422 = await failure(c.getTask('t1'));
    expect(e422).toMatchObject({ code: 'E_API_NOT_FOUND', retryable: false });
    expect(e422.recordMissing).toBe(true);
    expect(e422.details).toMatchObject({ taskId: 't1', apiCode: 422 });
    reply = [404, { code: 404, msg: 'task not found' }];
    expect((await failure(c.getTask('t1'))).recordMissing).toBe(true);
    // any other 422 stays bad input; a 404 without an envelope is a missing route, and one that
    // is a web page is not kie's API at all (a wrong base URL)
    reply = [200, { code: 422, msg: 'taskId is invalid' }];
    expect(await failure(c.getTask('t1'))).toMatchObject({ code: 'E_API_INPUT' });
    reply = [404, 'no such route'];
    const route = await failure(c.getTask('t1'));
    expect(route.code).toBe('E_API_NOT_FOUND');
    expect(route.recordMissing).toBe(false);
    reply = [404, '<html>not found</html>'];
    const page = await failure(c.getTask('t1'));
    expect(page.code).toBe('E_API_NOT_KIE');
    expect(page.recordMissing).toBe(false);
  });
});

describe('createTask maybeCreated', () => {
  it('is false for answered errors (429, 401, 402, 422, and an answered 500)', async () => {
    let code = 429;
    const c = await setup((_req, res) => sendJson(res, code === 500 ? 500 : 200, { code, msg: 'x' }));
    for (code of [429, 401, 402, 422, 500]) {
      const error = await failure(c.createTask({ model: 'm', input: {} }));
      expect(error.maybeCreated, String(code)).toBe(false);
    }
  });

  it('is false when the connection is refused', async () => {
    const port = await closedPort();
    client = createKieClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    const error = await failure(client.createTask({ model: 'm', input: {} }));
    expect(error).toMatchObject({ code: 'E_NETWORK', retryable: true });
    expect(error.maybeCreated).toBe(false);
  });

  it('is false for a web page: kie answers only JSON, so the request never reached its API (the base URL is wrong)', async () => {
    let page: [number, Record<string, string>, string] = [200, { 'content-type': 'text/html; charset=utf-8' }, '<p>hi</p>'];
    const c = await setup((_req, res) => {
      res.writeHead(page[0], page[1]);
      res.end(page[2]);
    });
    const pages: Array<typeof page> = [
      page,
      [200, { 'content-type': 'application/json' }, '<!doctype html>\n<html></html>'],
      [404, {}, '  <html><body>Not Found</body></html>'],
    ];
    for (page of pages) {
      const error = await failure(c.createTask({ model: 'm', input: {} }));
      expect(error).toMatchObject({ code: 'E_API_NOT_KIE', retryable: false, maybeCreated: false, status: page[0] });
      expect(error.message).toBe(
        `POST /api/v1/jobs/createTask at ${server!.url}: the answer is a web page (HTML, HTTP ${page[0]}), not kie.ai's API; check KIE_API_BASE_URL or api.baseUrl in the config (kie.ai's is https://api.kie.ai)`,
      );
    }
    // a proxy's page for a passing outage or a rate limit is that, not a wrong URL
    page = [503, { 'content-type': 'text/html' }, '<html>down for maintenance</html>'];
    expect(await failure(c.createTask({ model: 'm', input: {} }))).toMatchObject({ code: 'E_API_UNAVAILABLE', maybeCreated: false });
    page = [429, { 'content-type': 'text/html' }, '<html>slow down</html>'];
    expect(await failure(c.createTask({ model: 'm', input: {} }))).toMatchObject({ code: 'E_API_RATE_LIMIT' });
  });

  it('names the origin, and only the origin, on network and protocol errors', async () => {
    const c = await setup((_req, res) => sendJson(res, 200, 'not json'), { baseSuffix: '/proxy/t0ken' });
    const garbled = await failure(c.getCredits());
    expect(garbled.message).toBe(`GET /api/v1/chat/credit at ${server!.url}: reply is not a kie JSON envelope (HTTP 200)`);
    expect(garbled.details).toMatchObject({ url: server!.url });
    const port = await closedPort();
    const refused = createKieClient({ baseUrl: `http://127.0.0.1:${port}/proxy/t0ken?key=${KEY}`, apiKey: KEY });
    const error = await failure(refused.getCredits());
    await refused.close();
    expect(error.message).toBe(
      `GET /api/v1/chat/credit at http://127.0.0.1:${port}: connection refused (check KIE_API_BASE_URL or api.baseUrl)`,
    );
    expectNoKey(error);
  });

  it('is true when the connection drops after the request was written', async () => {
    const c = await setup((req) => {
      req.socket.destroy();
    });
    const error = await failure(c.createTask({ model: 'm', input: {} }));
    expect(error.code).toBe('E_NETWORK');
    expect(error.maybeCreated).toBe(true);
    expect(server!.requests).toHaveLength(1); // and the client did not resend it
  });

  it('is true on a timeout', async () => {
    const c = await setup(() => undefined, { requestTimeoutMs: 100 });
    const error = await failure(c.createTask({ model: 'm', input: {} }));
    expect(error).toMatchObject({ code: 'E_NETWORK', retryable: true });
    expect(error.message).toMatch(/timed out/);
    expect(error.maybeCreated).toBe(true);
  });

  it('is true for a truncated or unreadable 200 body', async () => {
    let mode: 'truncate' | 'garbage' | 'no-id' = 'truncate';
    const c = await setup((_req, res) => {
      if (mode === 'truncate') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"code":200,');
        setImmediate(() => res.socket?.destroy());
      } else if (mode === 'garbage') {
        sendJson(res, 200, '{"code":200,"data":{"taskId":');
      } else {
        sendJson(res, 200, { code: 200, msg: 'success', data: {} });
      }
    });
    for (mode of ['truncate', 'garbage', 'no-id'] as const) {
      const error = await failure(c.createTask({ model: 'm', input: {} }));
      expect(error.retryable, mode).toBe(true);
      expect(error.maybeCreated, mode).toBe(true);
    }
  });
});

describe('abort', () => {
  it('rejects promptly with the abort reason', async () => {
    const c = await setup(() => undefined);
    const controller = new AbortController();
    const pending = c.getTask('t', { signal: controller.signal });
    const reason = new KieaudioError('E_ABORTED', 'stop');
    setTimeout(() => controller.abort(reason), 20);
    const started = Date.now();
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects at once when already aborted', async () => {
    const c = await setup((_req, res) => sendJson(res, 200, { code: 200, data: 1 }));
    await expect(c.getCredits({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(server!.requests).toHaveLength(0);
  });

  it('leaves nothing behind in a long-lived signal, however many requests it served', async () => {
    const c = await setup((_req, res) => sendJson(res, 200, { code: 200, data: 1 }));
    const build = new AbortController();
    for (let i = 0; i < 50; i++) expect(await c.getCredits({ signal: build.signal })).toBe(1);
    // A build's signal serves every request of the build. Node 20's AbortSignal.any() keeps a
    // WeakRef in it per request (its internal kDependantSignals set) until the signal itself goes.
    const internal = Object.getOwnPropertySymbols(build.signal).find((s) => s.description === 'kDependantSignals');
    const dependants = internal === undefined ? undefined : (build.signal as unknown as Record<symbol, Set<unknown>>)[internal];
    expect(dependants?.size ?? 0).toBe(0);
  });
});

describe('the API key never leaks', () => {
  it('is absent from every error class, even when the server echoes it', async () => {
    let reply: (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => void = () => undefined;
    const c = await setup((req, res) => reply(res, req), { requestTimeoutMs: 150 });
    const echo = `bad key ${KEY} (Bearer ${KEY})`;
    const errors: unknown[] = [];
    const collect = async (p: Promise<unknown>): Promise<void> => {
      errors.push(
        await p.then(
          () => new Error('did not fail'),
          (e: unknown) => e,
        ),
      );
    };
    for (const code of [400, 401, 402, 404, 422, 429, 433, 455, 500, 501, 505]) {
      reply = (res) => sendJson(res, 200, { code, msg: echo });
      await collect(c.getCredits());
      reply = (res) => sendJson(res, code, { code, message: echo });
      await collect(c.createTask({ model: 'm', input: {} }));
      await collect(c.getTask('t'));
    }
    reply = (res) => sendJson(res, 200, { code: 422, msg: `recordInfo is null ${KEY}` });
    await collect(c.getTask('t'));
    reply = (res) => sendJson(res, 200, `not json ${KEY}`);
    await collect(c.getDownloadUrl('u'));
    reply = (_res, req) => req.socket.destroy();
    await collect(c.createTask({ model: 'm', input: {} }));
    reply = () => undefined;
    await collect(c.getCredits());
    const port = await closedPort();
    const refused = createKieClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    await collect(refused.getCredits());
    await refused.close();

    expect(errors.length).toBeGreaterThan(30);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ApiError);
      expectNoKey(error);
    }
  });

  it('is redacted from failMsg', async () => {
    const c = await setup((_req, res) =>
      sendJson(res, 200, { code: 200, data: { taskId: 't', state: 'fail', failCode: '500', failMsg: `key ${KEY} rejected` } }),
    );
    const info = await c.getTask('t');
    expect(info.failMsg).not.toContain(KEY);
    expect(info.failMsg).toContain('[redacted]');
  });
});
