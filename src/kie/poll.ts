/**
 * Waiting for a task to finish by polling recordInfo on the cadence kie documents
 * (docs/kie-api.md §2): every 2–3 s for the first 30 s, 5–10 s up to 2 min, then 15–30 s.
 */
import { ApiError, abortError } from '../errors.js';
import { sleep as defaultSleep } from '../sleep.js';
import type { KieClient } from './client.js';
import { retryDelay } from './retry.js';
import type { TaskInfo } from './task-info.js';

export interface PollSchedule {
  /** delay before the first poll; also scales the whole documented cadence (2000 = as documented) */
  initialMs: number;
  /** longest gap between polls */
  maxMs: number;
  /** give up (E_TASK_TIMEOUT) after this long; the task may still finish and can be re-polled */
  timeoutMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 2_000, maxMs: 30_000, timeoutMs: 15 * 60_000 };

/** The documented cadence is written for initialMs = 2000. */
const DOC_INITIAL_MS = 2_000;

/**
 * The gap before the next poll. Pure. `attempt` 0 is the first poll after creation and waits
 * `initialMs`; later gaps follow the documented cadence by elapsed time, scaled by
 * initialMs/2000, with ±20 % jitter so parallel builds do not poll in lockstep, capped at maxMs.
 */
export function nextPollDelay(elapsedMs: number, attempt: number, schedule: PollSchedule, random: () => number = Math.random): number {
  const scale = schedule.initialMs / DOC_INITIAL_MS;
  let base: number;
  if (attempt <= 0 || scale <= 0) {
    base = schedule.initialMs;
  } else {
    const t = Math.max(0, elapsedMs) / scale; // elapsed time on the documented clock
    if (t < 30_000) base = 2_000 + (1_000 * t) / 30_000;
    else if (t < 120_000) base = 5_000 + (5_000 * (t - 30_000)) / 90_000;
    else base = Math.min(30_000, 15_000 + (15_000 * (t - 120_000)) / 180_000);
    base *= scale;
  }
  const jittered = base * (0.8 + 0.4 * random());
  return Math.max(0, Math.round(Math.min(schedule.maxMs, jittered)));
}

export interface WaitForTaskOptions {
  schedule: PollSchedule;
  signal?: AbortSignal;
  /** called with the first state seen and whenever rawState changes; a promise it returns is awaited before the next poll */
  onState?: (info: TaskInfo) => unknown;
  /** how long a missing record right after creation counts as "not visible yet"; default 60 000 */
  recordGraceMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const DEFAULT_RECORD_GRACE_MS = 60_000;

/** Moderation refusals are final; failCode "500" without them is an upstream hiccup (docs/kie-api.md §0, §3). */
const MODERATION = /moderat|content polic|policy|sensitive|violat|prohibit|nsfw|unsafe|safety/i;

/**
 * Polls until the task succeeds (resolves with its info, resultUrls non-empty) or fails
 * (E_TASK_FAILED). Retryable poll errors are retried inside the loop; the whole wait is bounded
 * by `schedule.timeoutMs` (E_TASK_TIMEOUT, task id in details so the caller can re-poll later).
 */
export async function waitForTask(client: KieClient, taskId: string, opts: WaitForTaskOptions): Promise<TaskInfo> {
  const { schedule, signal, onState } = opts;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const graceMs = opts.recordGraceMs ?? DEFAULT_RECORD_GRACE_MS;
  const start = now();
  let pollAttempt = 0;
  let errorStreak = 0;
  let lastRawState: string | undefined;
  let lastError: unknown;

  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    let info: TaskInfo | undefined;
    let errorWait = 0;
    try {
      info = await client.getTask(taskId, { signal });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (!(error instanceof ApiError)) throw error;
      lastError = error;
      if (error.recordMissing) {
        // right after creation the record may not be visible yet (docs/kie-api.md §2)
        if (now() - start >= graceMs) throw error;
      } else if (error.retryable) {
        errorWait = retryDelay(error, errorStreak++, schedule.initialMs, schedule.maxMs, opts.random);
      } else {
        throw error;
      }
    }

    if (info) {
      errorStreak = 0;
      lastError = undefined;
      if (info.rawState !== lastRawState) {
        lastRawState = info.rawState;
        await onState?.(info);
      }
      if (info.state === 'success') return checkSuccess(taskId, info);
      if (info.state === 'fail') throw taskFailed(taskId, info);
    }

    const elapsed = now() - start;
    const remaining = schedule.timeoutMs - elapsed;
    if (remaining <= 0) throw timedOut(taskId, elapsed, lastRawState, lastError);
    const delay = Math.max(nextPollDelay(elapsed, pollAttempt++, schedule, opts.random), errorWait);
    // the last poll happens at the deadline rather than a whole gap after it
    await sleep(Math.min(delay, remaining), signal);
  }
}

function checkSuccess(taskId: string, info: TaskInfo): TaskInfo {
  if (info.resultUrls.length > 0) return info;
  throw new ApiError('E_API_PROTOCOL', `task ${taskId} succeeded but its resultJson has no result URL`, {
    retryable: false,
    details: { taskId, rawState: info.rawState, resultJson: info.resultJson },
  });
}

function taskFailed(taskId: string, info: TaskInfo): ApiError {
  const code = info.failCode ?? 'unknown';
  const msg = info.failMsg ?? 'no reason given';
  const transient = info.failCode === '500' && !MODERATION.test(info.failMsg ?? '');
  return new ApiError('E_TASK_FAILED', `task ${taskId} failed: ${msg} (failCode ${code})`, {
    retryable: false,
    // an upstream/internal failure: generating again later may work (not so for moderation)
    transient,
    details: { taskId, rawState: info.rawState, failCode: info.failCode, failMsg: info.failMsg, creditsConsumed: info.creditsConsumed },
  });
}

function timedOut(taskId: string, elapsedMs: number, lastState: string | undefined, lastError: unknown): ApiError {
  const state = lastState === undefined ? 'no state seen' : `last state ${lastState}`;
  return new ApiError('E_TASK_TIMEOUT', `task ${taskId} still not finished after ${Math.round(elapsedMs / 1000)} s (${state})`, {
    retryable: false,
    cause: lastError,
    details: { taskId, elapsedMs, lastState },
  });
}
