/**
 * The kie.ai API client: one request per call, no retries of its own (callers compose
 * `withRetry` or poll loops, and only the build layer may decide to resend a create). Every
 * failure is an ApiError with a stable code; the API key never appears in anything thrown.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { ApiError, KieaudioError, abortError } from '../errors.js';
import { classifyReply, isRecord, parseEnvelope, type Envelope } from './envelope.js';
import { networkError } from './network.js';
import { redactSecret } from './redact.js';
import { normalizeTaskInfo, type TaskInfo } from './task-info.js';

export type { TaskInfo, TaskState } from './task-info.js';

export interface KieClientOptions {
  /** e.g. https://api.kie.ai; a trailing slash is tolerated */
  baseUrl: string;
  apiKey: string;
  /** per request, headers and body together; default 30 000 */
  requestTimeoutMs?: number;
  /** default: a keep-alive undici Agent owned (and closed) by the client */
  dispatcher?: Dispatcher;
}

export interface CreateTaskRequest {
  model: string;
  input: Record<string, unknown>;
  callBackUrl?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface KieClient {
  createTask(req: CreateTaskRequest, opts?: CallOptions): Promise<{ taskId: string }>;
  getTask(taskId: string, opts?: CallOptions): Promise<TaskInfo>;
  getDownloadUrl(resultUrl: string, opts?: CallOptions): Promise<string>;
  getCredits(opts?: CallOptions): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** API replies are small JSON documents; anything bigger is a misbehaving proxy, not kie. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

const ROUTES = {
  createTask: '/api/v1/jobs/createTask',
  recordInfo: '/api/v1/jobs/recordInfo',
  downloadUrl: '/api/v1/common/download-url',
  credits: '/api/v1/chat/credit',
} as const;

interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** createTask: errors say whether the task may exist anyway (`maybeCreated`) */
  create?: boolean;
}

export function createKieClient(options: KieClientOptions): KieClient {
  const secret = options.apiKey;
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new KieaudioError('E_NO_API_KEY', 'no kie.ai API key given');
  }
  const baseUrl = parseBaseUrl(options.baseUrl);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const owned = options.dispatcher === undefined;
  const dispatcher: Dispatcher =
    options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connect: { timeout: Math.min(timeoutMs, 10_000) } });
  let closing: Promise<void> | undefined;

  async function call(spec: CallSpec): Promise<Envelope> {
    const route = `${spec.method} ${spec.path}`;
    const { signal } = spec;
    if (signal?.aborted) throw abortError(signal);
    if (closing) throw new ApiError('E_API', `${route}: client is closed`, { retryable: false, details: { route } });

    const url = baseUrl + spec.path + (spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '');
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    let status: number;
    let text: string | undefined;
    let retryAfter: string | undefined;
    try {
      const res = await request(url, {
        dispatcher,
        method: spec.method,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: combined,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      retryAfter = headerValue(res.headers['retry-after']);
      text = await readCapped(res.body, MAX_REPLY_BYTES);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw networkError(error, {
        route,
        secret,
        timedOutMs: timeout.signal.aborted ? timeoutMs : undefined,
        create: spec.create === true,
      });
    } finally {
      clearTimeout(timer);
    }

    const parsed = text === undefined ? undefined : parseEnvelope(text);
    const envelope = parsed && { ...parsed, msg: parsed.msg === undefined ? undefined : redactSecret(parsed.msg, secret) };
    if (status < 200 || status > 299 || (envelope && envelope.code !== 200)) {
      // the server answered with an error, so a create did not take the task
      throw classifyReply({ status, apiCode: envelope?.code, msg: envelope?.msg, route, retryAfter, create: spec.create === true });
    }
    if (!envelope) {
      throw protocolError(route, status, undefined, text === undefined ? 'reply too large' : 'reply is not a kie JSON envelope', spec.create);
    }
    return envelope;
  }

  return {
    async createTask(req, opts = {}) {
      const body: Record<string, unknown> = { model: req.model, input: req.input };
      if (req.callBackUrl !== undefined) body.callBackUrl = req.callBackUrl;
      const env = await call({ method: 'POST', path: ROUTES.createTask, body, signal: opts.signal, create: true });
      const data = isRecord(env.data) ? env.data : {};
      const taskId = [data.taskId, data.task_id].find((v): v is string => typeof v === 'string' && v !== '');
      // a 200 without a task id may still have created one we cannot see
      if (!taskId) throw protocolError(`POST ${ROUTES.createTask}`, 200, env.code, 'reply has no data.taskId', true);
      return { taskId };
    },

    async getTask(taskId, opts = {}) {
      const route = `GET ${ROUTES.recordInfo}`;
      let env: Envelope;
      try {
        env = await call({ method: 'GET', path: ROUTES.recordInfo, query: { taskId }, signal: opts.signal });
      } catch (error) {
        if (error instanceof ApiError && isRecordMissing(error)) {
          throw new ApiError('E_API_NOT_FOUND', `${route}: task ${taskId} has no record (yet)`, {
            status: error.status,
            apiCode: error.apiCode,
            retryable: false,
            recordMissing: true,
            cause: error,
            details: { ...error.details, taskId },
          });
        }
        throw error;
      }
      const info = normalizeTaskInfo(env.data, taskId);
      if (!info) throw protocolError(route, 200, env.code, 'reply has no task record in data');
      if (info.failMsg !== undefined) info.failMsg = redactSecret(info.failMsg, secret);
      return info;
    },

    async getDownloadUrl(resultUrl, opts = {}) {
      const env = await call({ method: 'POST', path: ROUTES.downloadUrl, body: { url: resultUrl }, signal: opts.signal });
      // documented as a bare string; an object with a url is tolerated
      const data = env.data;
      const url = typeof data === 'string' ? data : isRecord(data) ? (data.url ?? data.downloadUrl ?? data.download_url) : undefined;
      if (typeof url !== 'string' || url.trim() === '') {
        throw protocolError(`POST ${ROUTES.downloadUrl}`, 200, env.code, 'reply has no url in data');
      }
      return url.trim();
    },

    async getCredits(opts = {}) {
      const env = await call({ method: 'GET', path: ROUTES.credits, signal: opts.signal });
      const credits = typeof env.data === 'string' && env.data.trim() !== '' ? Number(env.data) : env.data;
      if (typeof credits !== 'number' || !Number.isFinite(credits)) {
        throw protocolError(`GET ${ROUTES.credits}`, 200, env.code, 'reply has no credit number in data');
      }
      return credits;
    },

    close() {
      closing ??= owned ? dispatcher.close() : Promise.resolve();
      return closing;
    },
  };
}

/**
 * kie answers an unknown (or not yet visible) task id with code 422 "recordInfo is null"; a 404
 * envelope means the same. A bare HTTP 404 without an envelope is a missing route, not a task.
 */
function isRecordMissing(error: ApiError): boolean {
  if (error.apiCode === 404) return true;
  const msg = error.details.apiMessage;
  return error.apiCode === 422 && typeof msg === 'string' && /recordinfo is null|record.*not (?:found|exist)/i.test(msg);
}

function protocolError(
  route: string,
  status: number,
  apiCode: number | undefined,
  what: string,
  create?: boolean,
): ApiError {
  return new ApiError('E_API_PROTOCOL', `${route}: ${what} (HTTP ${status})`, {
    status,
    apiCode,
    retryable: true,
    // a success status with a body we cannot read: the task may well exist
    maybeCreated: create ? true : undefined,
    details: { status, apiCode, route },
  });
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KieaudioError('E_USAGE', `API base URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KieaudioError('E_USAGE', `API base URL must be http(s), got ${url.protocol}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
