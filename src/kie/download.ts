/**
 * Fetching a task's result over HTTP: redirects followed (at most 5, no loops, http(s) only),
 * kie's signed download link asked for when the result URL refuses us (docs/kie-api.md §5), and
 * a body that checks itself as it streams — over the size cap, shorter than Content-Length,
 * empty or cut off each end the stream with an E_DOWNLOAD error. What is done with the bytes
 * (build/download-result.ts) is not this module's business: it only talks HTTP.
 */
import { type Dispatcher, getGlobalDispatcher, request } from 'undici';
import { ApiError, abortError, KieaudioError, stopsBuild } from '../errors.js';
import type { KieClient } from './client.js';
import { headerValue } from './header.js';
import { errorCode } from './network.js';

export interface OpenResultOptions {
  /** used for the download-url fallback */
  client: KieClient;
  /** the result URL (resultUrls[0]) */
  url: string;
  /** default 200 MiB */
  maxBytes?: number;
  signal?: AbortSignal | undefined;
  /** default: undici's global dispatcher */
  dispatcher?: Dispatcher | undefined;
  /** idle timeout for headers and for each gap in the body; default 30 000 */
  requestTimeoutMs?: number | undefined;
}

export interface ResultResponse {
  /** the body, checked as it streams (see the module comment) */
  body: AsyncIterable<Buffer>;
  contentType: string | undefined;
  /** where it came from, without the query (which may hold a signature) */
  url: string;
}

const DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024;
const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** result URLs that need kie's signed download link instead (docs/kie-api.md §5) */
const FALLBACK_STATUSES = new Set([401, 403, 404]);

type Response = Dispatcher.ResponseData;

export async function openResult(opts: OpenResultOptions): Promise<ResultResponse> {
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal);
  const dispatcher = opts.dispatcher ?? getGlobalDispatcher();
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;
  const first = parseHttpUrl(opts.url);

  let res = await fetchFollowingRedirects(first, dispatcher, timeoutMs, signal);
  if (FALLBACK_STATUSES.has(res.statusCode)) {
    const status = res.statusCode;
    await discard(res);
    const signed = await signedUrl(opts, status, first);
    res = await fetchFollowingRedirects(parseHttpUrl(signed), dispatcher, timeoutMs, signal);
  }
  const url = safeUrl(first);
  if (res.statusCode < 200 || res.statusCode > 299) {
    const status = res.statusCode;
    await discard(res);
    throw downloadError(`result URL answered HTTP ${status}`, {
      retryable: status >= 500 || status === 429 || status === 408,
      details: { status, url },
    });
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const contentLength = parseLength(res.headers['content-length']);
  if (contentLength !== undefined && contentLength > maxBytes) {
    await discard(res);
    throw downloadError(`result is ${contentLength} bytes, over the ${maxBytes}-byte limit`, {
      retryable: false,
      details: { url, contentLength, maxBytes },
    });
  }
  return {
    body: checkedBody(res, { url, maxBytes, contentLength, signal }),
    contentType: headerValue(res.headers['content-type']),
    url,
  };
}

async function signedUrl(opts: OpenResultOptions, status: number, first: URL): Promise<string> {
  try {
    return await opts.client.getDownloadUrl(opts.url, { signal: opts.signal });
  } catch (error) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    // a refused key stops the whole build; no point dressing it up as a download problem
    if (stopsBuild(error)) throw error;
    throw downloadError(`result URL answered HTTP ${status} and download-url failed`, {
      retryable: error instanceof ApiError ? error.retryable : true,
      cause: error,
      details: { status, url: safeUrl(first) },
    });
  }
}

/** The body, ended by an E_DOWNLOAD error when it is over the cap, empty or cut short. */
async function* checkedBody(
  res: Response,
  limits: { url: string; maxBytes: number; contentLength: number | undefined; signal: AbortSignal | undefined },
): AsyncGenerator<Buffer> {
  const { url, maxBytes, contentLength, signal } = limits;
  let received = 0;
  try {
    for await (const raw of res.body) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
      received += chunk.length;
      if (received > maxBytes) {
        throw downloadError(`result exceeds the ${maxBytes}-byte limit`, { retryable: false, details: { url, maxBytes } });
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof KieaudioError) throw error;
    if (signal?.aborted) throw abortError(signal);
    throw downloadError(`transfer interrupted after ${received} bytes (${errorCode(error) ?? 'network error'})`, {
      retryable: true,
      cause: error,
      details: { url, received, contentLength },
    });
  } finally {
    // the reader stopped early (its own error, an abort): let the connection go
    res.body.destroy();
  }
  if (received === 0) throw downloadError('result is empty', { retryable: true, details: { url } });
  if (contentLength !== undefined && received !== contentLength) {
    throw downloadError(`result truncated: ${received} of ${contentLength} bytes`, {
      retryable: true,
      details: { url, received, contentLength },
    });
  }
}

async function fetchFollowingRedirects(
  start: URL,
  dispatcher: Dispatcher,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const seen = new Set<string>();
  let url = start;
  for (let hop = 0; ; hop++) {
    seen.add(url.href);
    let res: Response;
    try {
      // no Authorization here: result URLs live on other hosts
      res = await request(url, {
        dispatcher,
        method: 'GET',
        headers: { accept: '*/*', 'accept-encoding': 'identity' },
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw downloadError(`could not fetch the result from ${url.origin} (${errorCode(error) ?? 'network error'})`, {
        retryable: true,
        noResponse: true,
        cause: error,
        details: { url: safeUrl(url) },
      });
    }
    const location = res.headers.location;
    if (!REDIRECT_STATUSES.has(res.statusCode) || location === undefined) return res;
    await discard(res);
    const next = parseHttpUrl(Array.isArray(location) ? (location[0] ?? '') : location, url);
    if (seen.has(next.href)) {
      throw downloadError('redirect loop', { retryable: false, details: { url: safeUrl(start), loopAt: safeUrl(next) } });
    }
    if (hop + 1 > MAX_REDIRECTS) {
      throw downloadError(`more than ${MAX_REDIRECTS} redirects`, { retryable: false, details: { url: safeUrl(start) } });
    }
    url = next;
  }
}

async function discard(res: Response): Promise<void> {
  await res.body.dump().catch(() => undefined);
}

function parseHttpUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw downloadError('result URL is not a URL', { retryable: false, details: {} });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw downloadError(`result URL must be http(s), got ${url.protocol}`, { retryable: false, details: {} });
  }
  return url;
}

/** Result URLs may carry signatures in the query; errors only show where the file was. */
function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function parseLength(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

export function downloadError(
  message: string,
  options: { retryable: boolean; noResponse?: boolean; cause?: unknown; details: Record<string, unknown> },
): ApiError {
  return new ApiError('E_DOWNLOAD', `download: ${message}`, {
    retryable: options.retryable,
    noResponse: options.noResponse === true,
    cause: options.cause,
    status: typeof options.details.status === 'number' ? options.details.status : undefined,
    details: options.details,
  });
}
