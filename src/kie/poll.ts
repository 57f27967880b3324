/**
 * Waiting for a task to finish by polling recordInfo: near its likely finish when the model's
 * durations are known (kie/poll-plan.ts), else on the cadence kie documents (kie/poll-cadence.ts).
 */
import { ApiError, abortError } from '../errors.js';
import { sleep as defaultSleep } from '../sleep.js';
import type { KieClient } from './client.js';
import type { PollSchedule } from './poll-cadence.js';
import type { PollPace } from './poll-pace.js';
import { chanceDone, plannedPollDelay, type SpareBudget, spareGap } from './poll-plan.js';
import { retryDelay } from './retry.js';
import type { TaskInfo } from './task-info.js';

/**
 * What polling knows of the task's model (kie/latency-model.ts): absent, polls follow the
 * documented cadence and nothing is learned.
 */
export interface TaskLatency {
  /** the model's finished-task durations, ascending; empty while too few are known */
  samples(): readonly number[];
  /** this task finished `ms` after its creation */
  finished(ms: number): void;
}

export interface WaitForTaskOptions {
  schedule: PollSchedule;
  signal?: AbortSignal;
  /** called with the first state seen and whenever rawState changes; a promise it returns is awaited before the next poll */
  onState?: (info: TaskInfo) => unknown;
  /**
   * For a task this build just created: plan polls from its model's learned durations (the first
   * one only once it may be done), and teach the model this task's duration.
   */
  latency?: TaskLatency;
  /**
   * The build's polling as a whole (kie/poll-pace.ts): with `latency`, the task is counted among
   * those polled, and once the build has created its last task, idle poll budget brings its polls
   * sooner.
   */
  pace?: PollPace;
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
  const leave = opts.latency === undefined ? undefined : opts.pace?.join();
  try {
    return await pollUntilDone(client, taskId, opts);
  } finally {
    leave?.();
  }
}

async function pollUntilDone(client: KieClient, taskId: string, opts: WaitForTaskOptions): Promise<TaskInfo> {
  const { schedule, signal, onState } = opts;
  const sleep = opts.sleep ?? defaultSleep;
  const pace = opts.latency === undefined ? undefined : opts.pace;
  const st: PollState = { now: opts.now ?? Date.now, start: 0, errorStreak: 0, lastError: undefined };
  st.start = st.now();
  let pollAttempt = 0;
  let lastRawState: string | undefined;
  /** how old the task was at the last poll that found it still running */
  let lastPendingAt = 0;

  if (opts.latency !== undefined) {
    // a task this build just created cannot be done yet: its first poll waits for the likely finish
    await sleep(Math.min(plannedPollDelay(0, pollAttempt++, schedule, opts.latency.samples(), opts.random), schedule.timeoutMs), signal);
  }
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    const { info, errorWait } = await pollOnce(client, taskId, opts, st);
    if (info) {
      if (info.rawState !== lastRawState) {
        lastRawState = info.rawState;
        await onState?.(info);
      }
      if (info.state === 'success') {
        opts.latency?.finished(info.durationMs ?? (lastPendingAt + st.now() - st.start) / 2);
        return checkSuccess(taskId, info);
      }
      if (info.state === 'fail') throw taskFailed(taskId, info);
    }
    const elapsed = st.now() - st.start;
    if (info) lastPendingAt = elapsed;
    const remaining = schedule.timeoutMs - elapsed;
    if (remaining <= 0) throw timedOut(taskId, elapsed, lastRawState, st.lastError);
    const samples = opts.latency?.samples() ?? [];
    const attempt = pollAttempt++;
    const planned = (spare: SpareBudget | undefined) =>
      // the last poll happens at the deadline rather than a whole gap after it
      Math.min(Math.max(plannedPollDelay(elapsed, attempt, schedule, samples, opts.random, spare), errorWait), remaining);
    await pausePolling(planned(pace?.spare()), pace, planned, st.now, sleep, signal);
  }
}

/**
 * Sleeps `ms` until the next poll, or less if budget comes free meanwhile (a task of the build
 * left): `replan` gives the delay, from the same start, with the budget to spare now.
 */
async function pausePolling(
  ms: number,
  pace: PollPace | undefined,
  replan: (spare: SpareBudget) => number,
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (pace === undefined) return sleep(ms, signal);
  const start = now();
  let until = start + ms;
  for (let wait = ms; wait > 0; wait = until - now()) {
    if (signal?.aborted) throw abortError(signal);
    const sooner = new AbortController();
    const forward = () => sooner.abort();
    signal?.addEventListener('abort', forward, { once: true });
    const stop = pace.onChange((spare) => {
      // most often, with many tasks still in flight, the budget cannot bring this poll sooner
      if (start + spareGap(spare) >= until) return;
      const at = start + replan(spare);
      if (at >= until) return;
      until = at;
      sooner.abort();
    });
    try {
      await sleep(wait, sooner.signal);
      return;
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (!sooner.signal.aborted) throw error;
    } finally {
      stop();
      signal?.removeEventListener('abort', forward);
    }
  }
}

/** What the poll loop keeps between polls about the task's errors. */
interface PollState {
  now: () => number;
  start: number;
  errorStreak: number;
  lastError: unknown;
}

/** One poll: the task's info, or how long a retryable error asks to wait; other errors are thrown. */
async function pollOnce(
  client: KieClient,
  taskId: string,
  opts: WaitForTaskOptions,
  st: PollState,
): Promise<{ info?: TaskInfo; errorWait: number }> {
  const { schedule, signal } = opts;
  try {
    const samples = opts.latency?.samples() ?? [];
    const info = await client.getTask(taskId, { signal, priority: chanceDone(st.now() - st.start, schedule, samples) });
    st.errorStreak = 0;
    st.lastError = undefined;
    return { info, errorWait: 0 };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    if (!(error instanceof ApiError)) throw error;
    st.lastError = error;
    if (error.recordMissing) {
      // right after creation the record may not be visible yet (docs/kie-api.md §2)
      if (st.now() - st.start >= (opts.recordGraceMs ?? DEFAULT_RECORD_GRACE_MS)) throw error;
      return { errorWait: 0 };
    }
    if (!error.retryable) throw error;
    return { errorWait: retryDelay(error, st.errorStreak++, schedule.initialMs, schedule.maxMs, opts.random) };
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
