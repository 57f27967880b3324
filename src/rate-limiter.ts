/**
 * A sliding-window limiter shared by every worker of a build: at most `requests` task creations
 * in any window of `intervalMs` (kie.ai: 20 per 10 s per account). Waiters are served in order.
 * A 429 from the server means our idea of the window is off (another process uses the same
 * account, or the server counts differently): `rateLimited` pauses everyone — for Retry-After if
 * the server said, otherwise for one slot's worth of time, doubling with each 429 in a row — so
 * a build runs at the limit rather than far under it or into a wall of 429s.
 */
import { abortError } from './errors.js';
import { sleep } from './sleep.js';

export interface RateLimiter {
  /** Resolves when one more request may be sent now; the slot is taken. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** No request may start before `ms` from now. */
  backOff(ms: number): void;
  /** A request was refused with 429: pauses everyone; returns the pause in ms. */
  rateLimited(retryAfterMs?: number): number;
  /** A request went through: the next 429 starts the backoff from the bottom again. */
  accepted(): void;
}

export function createRateLimiter(options: {
  requests: number;
  intervalMs: number;
  /** least time between two requests, to spread them rather than send bursts (default 0) */
  spacingMs?: number;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const spacing = options.spacingMs ?? 0;
  const sent: number[] = [];
  let pausedUntil = 0;
  let streak = 0;
  let queue: Promise<void> = Promise.resolve();

  const waitForSlot = async (signal?: AbortSignal) => {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const t = now();
      while (sent.length > 0 && (sent[0] ?? 0) <= t - options.intervalMs) sent.shift();
      let wait = pausedUntil - t;
      const last = sent.at(-1);
      if (last !== undefined) wait = Math.max(wait, last + spacing - t);
      if (sent.length >= options.requests) wait = Math.max(wait, (sent[0] ?? t) + options.intervalMs - t);
      if (wait <= 0) {
        sent.push(t);
        return;
      }
      await sleep(wait, signal);
    }
  };

  return {
    acquire(signal) {
      // Chain acquisitions so waiters are served first come, first served.
      const turn = queue.then(() => waitForSlot(signal));
      queue = turn.catch(() => undefined);
      return turn;
    },
    backOff(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    rateLimited(retryAfterMs) {
      const slotMs = options.intervalMs / options.requests;
      const base = retryAfterMs ?? Math.min(options.intervalMs, slotMs * 2 ** streak);
      streak++;
      const ms = Math.round(base * (1 + Math.random() * 0.25));
      this.backOff(ms);
      return ms;
    },
    accepted() {
      streak = 0;
    },
  };
}
