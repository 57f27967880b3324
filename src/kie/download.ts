/**
 * Fetches a task result into its output file. The bytes are streamed to a temp file beside
 * `dest`, checked (size, truncation, container), wrapped in a WAV header when they are raw
 * samples, fsynced and only then renamed onto `dest`: a partial or wrong file is never installed.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import type { AudioFormat } from '../audio/format.js';
import { sniffContainer, SNIFF_BYTES } from '../audio/sniff.js';
import { WAV_HEADER_BYTES, wavHeader } from '../audio/wav.js';
import { ApiError, KieaudioError, abortError } from '../errors.js';
import { failpoint } from '../store/failpoint.js';
import { releaseTemp, syncDirectory, tempPathFor } from '../store/atomic-write.js';
import { hashFile } from '../store/sha256.js';
import type { KieClient } from './client.js';
import { errorCode } from './network.js';

export interface DownloadOptions {
  /** used for the download-url fallback */
  client: KieClient;
  /** the result URL (resultUrls[0]) */
  url: string;
  /** absolute path of the final file */
  dest: string;
  /** what the bytes must be */
  format: AudioFormat;
  /** default 200 MiB */
  maxBytes?: number;
  signal?: AbortSignal;
  /** default: undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** idle timeout for headers and for each gap in the body; default 30 000 */
  requestTimeoutMs?: number;
}

export interface DownloadResult {
  /** size of the file as written (a WAV header included) */
  bytes: number;
  /** sha256 (hex) of the file as written */
  sha256: string;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024;
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** result URLs that need kie's signed download link instead (kie-api.md §5) */
const FALLBACK_STATUSES = new Set([401, 403, 404]);

export async function downloadResult(opts: DownloadOptions): Promise<DownloadResult> {
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal);
  const dispatcher = opts.dispatcher ?? getGlobalDispatcher();
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;
  const first = parseHttpUrl(opts.url);

  let res = await fetchFollowingRedirects(first, dispatcher, timeoutMs, signal);
  if (FALLBACK_STATUSES.has(res.statusCode)) {
    const status = res.statusCode;
    await discard(res);
    let signed: string;
    try {
      signed = await opts.client.getDownloadUrl(opts.url, { signal });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      // a refused key stops the whole build; no point dressing it up as a download problem
      if (error instanceof ApiError && error.code === 'E_API_AUTH') throw error;
      throw downloadError(`result URL answered HTTP ${status} and download-url failed`, {
        retryable: error instanceof ApiError ? error.retryable : true,
        cause: error,
        details: { status, url: safeUrl(first) },
      });
    }
    res = await fetchFollowingRedirects(parseHttpUrl(signed), dispatcher, timeoutMs, signal);
  }
  if (res.statusCode < 200 || res.statusCode > 299) {
    const status = res.statusCode;
    await discard(res);
    throw downloadError(`result URL answered HTTP ${status}`, {
      retryable: status >= 500 || status === 429 || status === 408,
      details: { status, url: safeUrl(first) },
    });
  }
  return writeBody(res, opts, first);
}

type Response = Dispatcher.ResponseData;

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
      throw downloadError(`could not fetch the result (${errorCode(error) ?? 'network error'})`, {
        retryable: true,
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

type Mode = 'as-is' | 'raw-samples';

async function writeBody(res: Response, opts: DownloadOptions, source: URL): Promise<DownloadResult> {
  const { dest, format, signal } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const url = safeUrl(source);
  const contentLength = parseLength(res.headers['content-length']);
  const contentType = headerText(res.headers['content-type']);
  if (contentLength !== undefined && contentLength > maxBytes) {
    await discard(res);
    throw downloadError(`result is ${contentLength} bytes, over the ${maxBytes}-byte limit`, {
      retryable: false,
      details: { url, contentLength, maxBytes },
    });
  }

  const dir = dirname(dest);
  const temp = tempPathFor(dest);
  let file: FileHandle | undefined;
  try {
    await io('create the output folder', () => mkdir(dir, { recursive: true }));
    file = await io('create a temp file', () => open(temp, 'wx'));
    const fh = file;
    const hash = createHash('sha256');
    let mode: Mode | undefined;
    let head = Buffer.alloc(0);
    let received = 0;

    const start = async (): Promise<void> => {
      mode = chooseMode(head, format, contentType, url);
      // raw samples get a placeholder header, patched once the data length is known
      if (mode === 'raw-samples') await io('write', () => fh.write(Buffer.alloc(WAV_HEADER_BYTES)));
      await emit(head);
    };
    const emit = async (chunk: Buffer): Promise<void> => {
      if (mode === 'as-is') hash.update(chunk);
      await io('write', () => fh.write(chunk));
    };

    try {
      for await (const raw of res.body) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
        received += chunk.length;
        if (received > maxBytes) {
          throw downloadError(`result exceeds the ${maxBytes}-byte limit`, { retryable: false, details: { url, maxBytes } });
        }
        if (mode === undefined) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= SNIFF_BYTES) await start();
        } else {
          await emit(chunk);
          failpoint('mid-download');
        }
      }
    } catch (error) {
      if (error instanceof KieaudioError) throw error;
      if (signal?.aborted) throw abortError(signal);
      throw downloadError(`transfer interrupted after ${received} bytes (${errorCode(error) ?? 'network error'})`, {
        retryable: true,
        cause: error,
        details: { url, received, contentLength },
      });
    }

    if (received === 0) throw downloadError('result is empty', { retryable: true, details: { url } });
    if (contentLength !== undefined && received !== contentLength) {
      throw downloadError(`result truncated: ${received} of ${contentLength} bytes`, {
        retryable: true,
        details: { url, received, contentLength },
      });
    }
    if (mode === undefined) await start(); // a body shorter than SNIFF_BYTES

    let sha256: string;
    let bytes = received;
    if (mode === 'raw-samples') {
      const blockAlign = format.encoding === 'pcm_s16le' ? 2 : 1;
      if (received % blockAlign !== 0) {
        throw downloadError(`raw ${format.name} data is ${received} bytes, not a whole number of samples`, {
          retryable: true,
          details: { url, received },
        });
      }
      await io('write', () => fh.write(wavHeader(format, received), 0, WAV_HEADER_BYTES, 0));
      bytes += WAV_HEADER_BYTES;
      await io('sync', () => fh.sync());
      // the header was written last but sits first, so hash the file as it is on disk
      sha256 = await io('read back', async () => (await hashFile(temp, signal)).sha256);
    } else {
      await io('sync', () => fh.sync());
      sha256 = hash.digest('hex');
    }
    file = undefined;
    await io('close', () => fh.close());
    if (signal?.aborted) throw abortError(signal);
    await io('install the result', () => rename(temp, dest));
    releaseTemp(temp);
    await syncDirectory(dir);
    return { bytes, sha256 };
  } catch (error) {
    res.body.destroy();
    await file?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    releaseTemp(temp);
    if (signal?.aborted) throw abortError(signal);
    throw error;
  }
}

function chooseMode(head: Buffer, format: AudioFormat, contentType: string | undefined, url: string): Mode {
  const sniffed = sniffContainer(head);
  if (format.container === 'wav') {
    if (sniffed === 'wav') return 'as-is';
    // anything else must be raw samples, and an error page is not
    if (sniffed === undefined && !looksLikeText(head, contentType)) return 'raw-samples';
  } else if (sniffed === format.container) {
    return 'as-is';
  }
  const found = sniffed ?? (looksLikeText(head, contentType) ? `text (${contentType ?? 'no content type'})` : 'unknown bytes');
  throw downloadError(`result is not ${format.name}: found ${found}`, {
    // a refetch (or a regeneration) may well return the right thing
    retryable: true,
    details: { url, expected: format.container, found, contentType },
  });
}

/** An HTML error page or a JSON error envelope where audio was expected. */
function looksLikeText(head: Buffer, contentType: string | undefined): boolean {
  if (contentType && /^text\/|json|html|xml/i.test(contentType)) return true;
  const text = head.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  return /^<[!?a-zA-Z]/.test(text) || /^\{\s*["}]/.test(text) || /^\[\s*[{"\]]/.test(text);
}

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof KieaudioError) throw error;
    throw new KieaudioError('E_IO', `download: could not ${what}: ${errorCode(error) ?? String(error)}`, { cause: error });
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
  const text = headerText(value);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function downloadError(
  message: string,
  options: { retryable: boolean; cause?: unknown; details: Record<string, unknown> },
): ApiError {
  return new ApiError('E_DOWNLOAD', `download: ${message}`, {
    retryable: options.retryable,
    cause: options.cause,
    status: typeof options.details.status === 'number' ? options.details.status : undefined,
    details: options.details,
  });
}
