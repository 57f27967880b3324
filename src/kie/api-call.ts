/**
 * One request to the kie.ai API and its reply envelope, for the client (client.ts): the HTTP
 * exchange with its timeout and size cap, then the envelope checked for success. Every failure
 * is an ApiError with a stable code; the API key never appears in anything thrown.
 */
import { type Dispatcher, request } from 'undici';
import { ApiError, abortError } from '../errors.js';
import { classifyReply, type Envelope, parseEnvelope } from './envelope.js';
import { headerValue } from './header.js';
import { networkError } from './network.js';
import { redactSecret } from './redact.js';

/** API replies are small JSON documents; anything bigger is a misbehaving proxy, not kie. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/** What every request of one client shares. */
export interface Connection {
  /** origin and path prefix, without a trailing slash */
  baseUrl: string;
  /** the base URL's origin: what errors name (a path prefix could hold a proxy's token) */
  origin: string;
  secret: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  /** whether the client made `dispatcher` (and so closes it) */
  owned: boolean;
  /** set by close(): no request starts after it */
  closing: Promise<void> | undefined;
}

export interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** createTask: errors say whether the task may exist anyway (`maybeCreated`) */
  create?: boolean;
}

interface Reply {
  status: number;
  contentType: string | undefined;
  /** undefined when the body was too large to read */
  text: string | undefined;
  retryAfter: string | undefined;
}

/** Sends one request and returns its envelope, which reports success (code 200). */
export async function callApi(conn: Connection, spec: CallSpec): Promise<Envelope> {
  const route = `${spec.method} ${spec.path}`;
  const { signal } = spec;
  if (signal?.aborted) throw abortError(signal);
  if (conn.closing) throw new ApiError('E_API', `${route}: client is closed`, { retryable: false, details: { route } });

  const { status, contentType, text, retryAfter } = await sendRequest(conn, spec, route);
  if (isWebPage(contentType, text) && !PASSING_TROUBLE.has(status) && status < 500) throw notKieError(conn, route, status, spec.create);
  const parsed = text === undefined ? undefined : parseEnvelope(text);
  const envelope = parsed && { ...parsed, msg: parsed.msg === undefined ? undefined : redactSecret(parsed.msg, conn.secret) };
  if (status < 200 || status > 299 || (envelope && envelope.code !== 200)) {
    // the server answered with an error, so a create did not take the task
    throw classifyReply({
      status,
      apiCode: envelope?.code,
      msg: envelope?.msg,
      route,
      origin: conn.origin,
      retryAfter,
      create: spec.create === true,
    });
  }
  if (!envelope) {
    throw protocolError(
      conn,
      route,
      status,
      undefined,
      text === undefined ? 'reply too large' : 'reply is not a kie JSON envelope',
      spec.create,
    );
  }
  return envelope;
}

/** The HTTP exchange alone, under the per-request timeout; transport failures become E_NETWORK. */
async function sendRequest(conn: Connection, spec: CallSpec, route: string): Promise<Reply> {
  const { signal } = spec;
  const { secret, timeoutMs } = conn;
  const url = conn.baseUrl + spec.path + (spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '');
  // One controller for the timeout and the caller's signal. AbortSignal.any() would do, but on
  // Node 20 it leaves a WeakRef in the caller's signal for every request, which a build's signal
  // keeps until the build ends: tens of thousands of them in a large build.
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  const onAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await request(url, {
      dispatcher: conn.dispatcher,
      method: spec.method,
      headers: {
        authorization: `Bearer ${secret}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal: abort.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const status = res.statusCode;
    const retryAfter = headerValue(res.headers['retry-after']);
    const contentType = headerValue(res.headers['content-type']);
    const text = await readCapped(res.body, MAX_REPLY_BYTES);
    return { status, contentType, text, retryAfter };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw networkError(error, {
      route,
      origin: conn.origin,
      secret,
      timedOutMs: timedOut ? timeoutMs : undefined,
      create: spec.create === true,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

export function protocolError(
  conn: Pick<Connection, 'origin'>,
  route: string,
  status: number,
  apiCode: number | undefined,
  what: string,
  create?: boolean,
): ApiError {
  return new ApiError('E_API_PROTOCOL', `${route} at ${conn.origin}: ${what} (HTTP ${status})`, {
    status,
    apiCode,
    retryable: true,
    // a success status with a body we cannot read: the task may well exist
    maybeCreated: create ? true : undefined,
    details: { status, apiCode, route, url: conn.origin },
  });
}

/** Statuses a proxy's own page may carry in passing (a gateway timeout, a rate limit): not a wrong URL. */
const PASSING_TROUBLE = new Set([408, 429]);

/** kie's API answers every request with a JSON envelope (docs/kie-api.md §1); a web page is not from it. */
function isWebPage(contentType: string | undefined, text: string | undefined): boolean {
  if (contentType !== undefined && /^\s*text\/html\b/i.test(contentType)) return true;
  return text !== undefined && /^\s*<(?:!doctype\s+html|html|head|body)\b/i.test(text);
}

/**
 * An HTML page where kie's JSON was expected: the base URL points at a web site, a proxy's or a
 * captive portal's page, not at kie's API. Every request will get the same, so the build stops at
 * the first (docs/reliability.md). A create answered this way did not reach kie's API, which
 * answers only JSON: no task was made, so nothing may have been charged.
 */
function notKieError(conn: Connection, route: string, status: number, create: boolean | undefined): ApiError {
  return new ApiError(
    'E_API_NOT_KIE',
    `${route} at ${conn.origin}: the answer is a web page (HTML, HTTP ${status}), not kie.ai's API; check KIE_API_BASE_URL or api.baseUrl in the config (kie.ai's is https://api.kie.ai)`,
    { status, retryable: false, maybeCreated: create ? false : undefined, details: { status, route, url: conn.origin } },
  );
}

/** The body as text, or undefined (body discarded) when it exceeds `max` bytes. */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    if (total > max) {
      body.destroy();
      return undefined;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
