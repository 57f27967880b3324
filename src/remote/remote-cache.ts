/**
 * The team cache client: the HTTP remote cache protocol of Bazel (`/cas/<sha256>` for bytes,
 * `/ac/<sha256 of a key>` for small JSON records), over one keep-alive undici Agent, with at most
 * `concurrency` requests at once and a timeout on each. Bodies stream both ways; every blob that
 * comes down is hashed on its way to disk and refused when it is not what its name says. A server
 * that does not answer is marked down, and every later call fails at once: a build never waits on
 * it twice. The token is only ever an Authorization header, and is redacted from every error.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { Agent, type Dispatcher, request } from 'undici';
import { abortError, messageOf } from '../errors.js';
import { redactCause, redactSecret } from '../kie/redact.js';
import { sha256Hex } from './key.js';
import { RemoteCacheError } from './remote-error.js';
import { saveVerified } from './verified-file.js';

export interface RemoteCacheOptions {
  /** the cache's base URL, no trailing slash */
  url: string;
  /** KIEAUDIO_REMOTE_CACHE_TOKEN; sent as a Bearer token when set */
  token?: string | undefined;
  /** per request, headers and body each; default 15 000 */
  timeoutMs?: number;
  /** requests in flight at once; default 16 */
  concurrency?: number;
}

export interface RemoteCache {
  readonly url: string;
  /** The AC record stored under `key` (hashed here), or undefined when there is none. */
  getRecord(key: string, signal?: AbortSignal): Promise<unknown>;
  /** Whether an AC record exists under `key`, for `plan`. */
  hasRecord(key: string, signal?: AbortSignal): Promise<boolean>;
  putRecord(key: string, value: unknown, signal?: AbortSignal): Promise<void>;
  /** Whether the server has the blob; false for one it served with the wrong bytes, so that an upload replaces it. */
  hasBlob(sha256: string, signal?: AbortSignal): Promise<boolean>;
  /** Streams the blob to `dest` (created, must not exist); removed and a `bad-blob` error thrown when its bytes do not hash to `sha256`. */
  getBlob(sha256: string, dest: string, signal?: AbortSignal): Promise<number>;
  /** A small blob in memory (a timings document), checked like getBlob. */
  getBlobBytes(sha256: string, signal?: AbortSignal): Promise<Buffer>;
  putBlob(sha256: string, path: string, size: number, signal?: AbortSignal): Promise<void>;
  /** Why the server is treated as down, once it is. */
  readonly downReason: string | undefined;
  close(): Promise<void>;
}

interface Conn {
  url: string;
  token: string;
  timeoutMs: number;
  dispatcher: Agent;
  limit: ReturnType<typeof pLimit>;
  down: string | undefined;
  /** blobs this session was served with the wrong bytes: uploaded again over them, whatever HEAD says */
  bad: Set<string>;
}

export function createRemoteCache(options: RemoteCacheOptions): RemoteCache {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const concurrency = options.concurrency ?? 16;
  const conn: Conn = {
    url: options.url.replace(/\/+$/, ''),
    token: options.token ?? '',
    timeoutMs,
    dispatcher: new Agent({ keepAliveTimeout: 10_000, connections: concurrency, connect: { timeout: Math.min(timeoutMs, 5_000) } }),
    limit: pLimit(concurrency),
    down: undefined,
    bad: new Set(),
  };
  return {
    url: conn.url,
    get downReason() {
      return conn.down;
    },
    getRecord: (key, signal) => getRecord(conn, key, signal),
    hasRecord: (key, signal) => exists(conn, `/ac/${sha256Hex(key)}`, signal),
    putRecord: (key, value, signal) => put(conn, `/ac/${sha256Hex(key)}`, Buffer.from(JSON.stringify(value)), signal),
    hasBlob: async (sha256, signal) => !conn.bad.has(sha256) && (await exists(conn, `/cas/${sha256}`, signal)),
    getBlob: (sha256, dest, signal) => getBlob(conn, sha256, dest, signal),
    getBlobBytes: (sha256, signal) => getBlobBytes(conn, sha256, signal),
    putBlob: (sha256, path, size, signal) =>
      put(conn, `/cas/${sha256}`, () => createReadStream(path), signal, { 'content-length': String(size) }),
    close: () => conn.dispatcher.close(),
  };
}

type Response = Dispatcher.ResponseData;

/** One request under the concurrency limit; a transport failure marks the server down. */
async function send(conn: Conn, path: string, opts: SendOptions, signal?: AbortSignal): Promise<Response> {
  return conn.limit(async () => {
    if (signal?.aborted) throw abortError(signal);
    if (conn.down !== undefined) throw new RemoteCacheError('down', conn.down);
    const headers: Record<string, string> = { ...opts.headers };
    if (conn.token !== '') headers.authorization = `Bearer ${conn.token}`;
    try {
      return await request(`${conn.url}${path}`, {
        method: opts.method,
        headers,
        body: typeof opts.body === 'function' ? opts.body() : opts.body,
        dispatcher: conn.dispatcher,
        headersTimeout: conn.timeoutMs,
        bodyTimeout: conn.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      conn.down ??= `the team cache at ${conn.url} did not answer (${redactSecret(messageOf(error), conn.token)})`;
      throw new RemoteCacheError('down', conn.down, { cause: redactCause(error, conn.token) });
    }
  });
}

interface SendOptions {
  method: 'GET' | 'HEAD' | 'PUT';
  body?: Buffer | (() => Readable) | undefined;
  headers?: Record<string, string>;
}

async function exists(conn: Conn, path: string, signal?: AbortSignal): Promise<boolean> {
  const res = await send(conn, path, { method: 'HEAD' }, signal);
  await res.body.dump();
  if (res.statusCode === 404) return false;
  if (res.statusCode >= 200 && res.statusCode < 300) return true;
  throw statusError(conn, 'HEAD', path, res.statusCode);
}

async function getRecord(conn: Conn, key: string, signal?: AbortSignal): Promise<unknown> {
  const path = `/ac/${sha256Hex(key)}`;
  const res = await send(conn, path, { method: 'GET' }, signal);
  if (res.statusCode === 404) {
    await res.body.dump();
    return undefined;
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw statusError(conn, 'GET', path, res.statusCode);
  }
  const text = await readBody(conn, res, signal);
  try {
    return JSON.parse(text.toString('utf8'));
  } catch {
    throw new RemoteCacheError('protocol', `the team cache's record ${path} is not JSON`);
  }
}

async function getBlob(conn: Conn, sha256: string, dest: string, signal?: AbortSignal): Promise<number> {
  const path = `/cas/${sha256}`;
  const res = await send(conn, path, { method: 'GET' }, signal);
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw statusError(conn, 'GET', path, res.statusCode);
  }
  try {
    const saved = await saveVerified(res.body, dest, signal);
    if (saved.sha256 === sha256) return saved.size;
    await rm(dest, { force: true });
  } catch (error) {
    await rm(dest, { force: true });
    throw transferError(conn, error, signal);
  }
  conn.bad.add(sha256);
  throw new RemoteCacheError('bad-blob', `the team cache served ${path} with bytes of another hash: not used`);
}

async function getBlobBytes(conn: Conn, sha256: string, signal?: AbortSignal): Promise<Buffer> {
  const path = `/cas/${sha256}`;
  const res = await send(conn, path, { method: 'GET' }, signal);
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw statusError(conn, 'GET', path, res.statusCode);
  }
  const bytes = await readBody(conn, res, signal);
  if (sha256Hex(bytes) !== sha256) {
    conn.bad.add(sha256);
    throw new RemoteCacheError('bad-blob', `the team cache served ${path} with bytes of another hash: not used`);
  }
  return bytes;
}

async function put(
  conn: Conn,
  path: string,
  body: Buffer | (() => Readable),
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await send(conn, path, { method: 'PUT', body, headers }, signal);
  await res.body.dump().catch(() => undefined);
  if (res.statusCode < 200 || res.statusCode >= 300) throw statusError(conn, 'PUT', path, res.statusCode);
}

async function readBody(conn: Conn, res: Response, signal?: AbortSignal): Promise<Buffer> {
  try {
    return Buffer.from(await res.body.arrayBuffer());
  } catch (error) {
    throw transferError(conn, error, signal);
  }
}

/** A body cut off or too slow: the server is not fit to be asked again in this build. */
function transferError(conn: Conn, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return abortError(signal);
  if (error instanceof RemoteCacheError) return error;
  conn.down ??= `the team cache at ${conn.url} broke off a transfer (${redactSecret(messageOf(error), conn.token)})`;
  return new RemoteCacheError('down', conn.down, { cause: redactCause(error, conn.token) });
}

function statusError(conn: Conn, method: string, path: string, status: number): RemoteCacheError {
  const auth = status === 401 || status === 403 ? ' (check KIEAUDIO_REMOTE_CACHE_TOKEN)' : '';
  return new RemoteCacheError('status', `the team cache answered ${method} ${conn.url}${path} with HTTP ${status}${auth}`, { status });
}
