/**
 * recordInfo `data` → TaskInfo. The raw shape is loose (docs/kie-api.md §2, §9): `param` and
 * `resultJson` are JSON strings to parse a second time, `failCode` may be a number, states have
 * aliases, and result URLs have been seen under several key names.
 */
import { isRecord } from '../is-record.js';

export type TaskState = 'pending' | 'success' | 'fail';

export interface TaskInfo {
  taskId: string;
  /** waiting/queuing/generating and any unknown state are 'pending' */
  state: TaskState;
  rawState: string;
  resultUrls: string[];
  /** `resultJson` parsed (kept raw for callers, e.g. word timestamps) */
  resultJson?: unknown;
  /** string even if the API sent a number; absent when empty */
  failCode?: string;
  failMsg?: string;
  /** `creditsConsumed ?? consumeCredits` */
  creditsConsumed?: number;
  /** `param` (the create body) parsed */
  param?: unknown;
  model?: string;
  /** a finished task: how long it took by the server's clock, `completeTime − createTime` (docs/kie-api.md §2) */
  durationMs?: number;
}

const SUCCESS_STATES = new Set(['success', 'succeeded', 'completed', 'complete']);
const FAIL_STATES = new Set(['fail', 'failed', 'failure']);

export function normalizeState(raw: string): TaskState {
  const state = raw.trim().toLowerCase();
  if (SUCCESS_STATES.has(state)) return 'success';
  if (FAIL_STATES.has(state)) return 'fail';
  return 'pending';
}

/** TaskInfo from recordInfo's `data`, or undefined when `data` is not an object. */
export function normalizeTaskInfo(data: unknown, requestedTaskId: string): TaskInfo | undefined {
  if (!isRecord(data)) return undefined;
  const rawState = typeof data.state === 'string' ? data.state : typeof data.status === 'string' ? data.status : '';
  const taskId = firstString(data.taskId, data.task_id) ?? requestedTaskId;
  const resultJson = parseJsonField(data.resultJson ?? data.result_json);
  const info: TaskInfo = {
    taskId,
    state: normalizeState(rawState),
    rawState,
    resultUrls: collectResultUrls(resultJson),
  };
  if (resultJson !== undefined) info.resultJson = resultJson;
  const failCode = toText(data.failCode ?? data.fail_code);
  if (failCode !== undefined) info.failCode = failCode;
  const failMsg = toText(data.failMsg ?? data.fail_msg ?? data.errorMessage);
  if (failMsg !== undefined) info.failMsg = failMsg;
  const credits = toNumber(data.creditsConsumed) ?? toNumber(data.consumeCredits);
  if (credits !== undefined) info.creditsConsumed = credits;
  const param = parseJsonField(data.param);
  if (param !== undefined) info.param = param;
  if (typeof data.model === 'string' && data.model !== '') info.model = data.model;
  const durationMs = serverDuration(data.createTime, data.completeTime);
  if (durationMs !== undefined) info.durationMs = durationMs;
  return info;
}

/** completeTime − createTime in ms when both are plausible Unix times; seconds are accepted too. */
function serverDuration(created: unknown, completed: unknown): number | undefined {
  const start = toNumber(created);
  const end = toNumber(completed);
  if (start === undefined || end === undefined || start <= 0) return undefined;
  // Unix seconds are ~1.7e9, milliseconds ~1.7e12
  const scale = start < 1e11 ? 1000 : 1;
  const ms = (end - start) * scale;
  return ms > 0 && ms < 86_400_000 ? ms : undefined;
}

/**
 * A field that should hold JSON text: parsed when it is a string, kept when it is already a
 * value, undefined when empty. Unparsable text is kept as the string so callers can see it.
 */
export function parseJsonField(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const LIST_KEYS = ['resultUrls', 'result_urls', 'urls', 'audioUrls', 'audio_urls'];
const SINGLE_KEYS = ['url', 'audioUrl', 'audio_url', 'resultUrl', 'result_url', 'fileUrl', 'file_url'];

/** URLs in a parsed resultJson: `resultUrls` first, then the fallback keys clients have met. */
export function collectResultUrls(resultJson: unknown): string[] {
  const urls: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value.trim() !== '' && !urls.includes(value.trim())) urls.push(value.trim());
    else if (isRecord(value)) add(value.url ?? value.audioUrl ?? value.audio_url);
  };
  const scan = (obj: Record<string, unknown>): void => {
    for (const key of LIST_KEYS) {
      const value = obj[key];
      if (Array.isArray(value)) value.forEach(add);
      else add(value);
    }
    for (const key of SINGLE_KEYS) add(obj[key]);
  };
  if (Array.isArray(resultJson)) resultJson.forEach(add);
  else if (isRecord(resultJson)) {
    scan(resultJson);
    // text results nest under resultObject (docs/kie-api.md §2); some models may put audio there too
    if (urls.length === 0 && isRecord(resultJson.resultObject)) scan(resultJson.resultObject);
  }
  return urls;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function toText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
