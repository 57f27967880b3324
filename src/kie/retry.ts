/**
 * Retrying with exponential backoff and full jitter. The client itself never retries; callers
 * wrap the calls that are safe to repeat (never a createTask that may have landed).
 */
import { ApiError, abortError } from '../errors.js';
import { sleep as defaultSleep } from '../sleep.js';

export interface RetryOptions {
  signal?: AbortSignal;
  /** retries after the first attempt; default 5 */
  retries?: number;
  /** default 500 */
  baseMs?: number;
  /** cap of the backoff delay; default 30 000 */
  maxMs?: number;
  isRetryable?: (error: unknown) => boolean;
  /** called before each wait, e.g. to report "rate limited, retrying in 4 s" */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A server may ask for more than `maxMs`; we honour it, but not without bound. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export function isRetryableError(error: unknown): boolean {
  return error instanceof ApiError && error.retryable;
}

/** Full jitter: uniform in [0, min(maxMs, baseMs·2^attempt)). `attempt` counts from 0. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** The wait before retrying after `error`: the backoff, but never less than its Retry-After. */
export function retryDelay(error: unknown, attempt: number, baseMs: number, maxMs: number, random?: () => number): number {
  const delay = backoffDelay(attempt, baseMs, maxMs, random);
  const retryAfter = error instanceof ApiError ? error.retryAfterMs : undefined;
  return retryAfter === undefined ? delay : Math.max(delay, Math.min(retryAfter, MAX_RETRY_AFTER_MS));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const {
    signal,
    retries = 5,
    baseMs = 500,
    maxMs = 30_000,
    isRetryable = isRetryableError,
    onRetry,
    random,
    sleep = defaultSleep,
  } = options;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (attempt >= retries || !isRetryable(error)) throw error;
      const delay = retryDelay(error, attempt, baseMs, maxMs, random);
      onRetry?.(error, attempt + 1, delay);
      await sleep(delay, signal);
    }
  }
}
