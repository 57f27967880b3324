/**
 * The kie.ai API client: one request per call, no retries of its own (callers compose
 * `withRetry` or poll loops, and only the build layer may decide to resend a create). Every
 * failure is an ApiError with a stable code; the API key never appears in anything thrown.
 */
import { Agent, type Dispatcher } from 'undici';
import { ApiError, KieaudioError } from '../errors.js';
import { isRecord } from '../is-record.js';
import { type Connection, callApi, protocolError } from './api-call.js';
import type { Envelope } from './envelope.js';
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
  /** status polls: how likely the task is to have finished (0–1); a tight poll budget serves the likeliest first */
  priority?: number;
}

export interface KieClient {
  createTask(req: CreateTaskRequest, opts?: CallOptions): Promise<{ taskId: string }>;
  getTask(taskId: string, opts?: CallOptions): Promise<TaskInfo>;
  getDownloadUrl(resultUrl: string, opts?: CallOptions): Promise<string>;
  getCredits(opts?: CallOptions): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const ROUTES = {
  createTask: '/api/v1/jobs/createTask',
  recordInfo: '/api/v1/jobs/recordInfo',
  downloadUrl: '/api/v1/common/download-url',
  credits: '/api/v1/chat/credit',
} as const;

export function createKieClient(options: KieClientOptions): KieClient {
  const secret = options.apiKey;
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new KieaudioError('E_NO_API_KEY', 'no kie.ai API key given');
  }
  const baseUrl = parseBaseUrl(options.baseUrl);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const dispatcher: Dispatcher =
    options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connect: { timeout: Math.min(timeoutMs, 10_000) } });
  const conn: Connection = {
    baseUrl,
    origin: new URL(baseUrl).origin,
    secret,
    timeoutMs,
    dispatcher,
    owned: options.dispatcher === undefined,
    closing: undefined,
  };
  return {
    createTask: (req, opts = {}) => createTask(conn, req, opts),
    getTask: (taskId, opts = {}) => getTask(conn, taskId, opts),
    getDownloadUrl: (resultUrl, opts = {}) => getDownloadUrl(conn, resultUrl, opts),
    getCredits: (opts = {}) => getCredits(conn, opts),
    close: () => closeConnection(conn),
  };
}

async function createTask(conn: Connection, req: CreateTaskRequest, opts: CallOptions): Promise<{ taskId: string }> {
  const body: Record<string, unknown> = { model: req.model, input: req.input };
  if (req.callBackUrl !== undefined) body.callBackUrl = req.callBackUrl;
  const env = await callApi(conn, { method: 'POST', path: ROUTES.createTask, body, signal: opts.signal, create: true });
  const data = isRecord(env.data) ? env.data : {};
  const taskId = [data.taskId, data.task_id].find((v): v is string => typeof v === 'string' && v !== '');
  // a 200 without a task id may still have created one we cannot see
  if (!taskId) throw protocolError(conn, `POST ${ROUTES.createTask}`, 200, env.code, 'reply has no data.taskId', true);
  return { taskId };
}

async function getTask(conn: Connection, taskId: string, opts: CallOptions): Promise<TaskInfo> {
  const route = `GET ${ROUTES.recordInfo}`;
  let env: Envelope;
  try {
    env = await callApi(conn, { method: 'GET', path: ROUTES.recordInfo, query: { taskId }, signal: opts.signal });
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
  if (!info) throw protocolError(conn, route, 200, env.code, 'reply has no task record in data');
  if (info.failMsg !== undefined) info.failMsg = redactSecret(info.failMsg, conn.secret);
  return info;
}

async function getDownloadUrl(conn: Connection, resultUrl: string, opts: CallOptions): Promise<string> {
  const env = await callApi(conn, { method: 'POST', path: ROUTES.downloadUrl, body: { url: resultUrl }, signal: opts.signal });
  // documented as a bare string; an object with a url is tolerated
  const data = env.data;
  const url = typeof data === 'string' ? data : isRecord(data) ? (data.url ?? data.downloadUrl ?? data.download_url) : undefined;
  if (typeof url !== 'string' || url.trim() === '') {
    throw protocolError(conn, `POST ${ROUTES.downloadUrl}`, 200, env.code, 'reply has no url in data');
  }
  return url.trim();
}

async function getCredits(conn: Connection, opts: CallOptions): Promise<number> {
  const env = await callApi(conn, { method: 'GET', path: ROUTES.credits, signal: opts.signal });
  const credits = typeof env.data === 'string' && env.data.trim() !== '' ? Number(env.data) : env.data;
  if (typeof credits !== 'number' || !Number.isFinite(credits)) {
    throw protocolError(conn, `GET ${ROUTES.credits}`, 200, env.code, 'reply has no credit number in data');
  }
  return credits;
}

function closeConnection(conn: Connection): Promise<void> {
  conn.closing ??= conn.owned ? conn.dispatcher.close() : Promise.resolve();
  return conn.closing;
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
