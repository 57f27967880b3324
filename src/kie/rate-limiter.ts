/**
 * A sliding-window limiter shared by every worker of a build: at most `requests` requests in any
 * window of `intervalMs` (kie.ai: 20 task creations per 10 s per account). Waiters are served in
 * order.
 *
 * The server counts a request when it handles it, which is some time after we decide to send it
 * (a new connection, a busy event loop) — so a window measured from our side can hold 21 of the
 * server's 20. A slot is therefore held from `acquire` until the answer arrives (`done`), and the
 * window runs from then: the server has certainly counted the request by the time it answered,
 * so the next request in that slot can never land inside the same server window.
 *
 * A 429 anyway means another client shares the account, or the server counts differently:
 * `rateLimited` widens a safety margin on the window, pauses everyone for Retry-After when the
 * server sends one, and pauses everyone — one slot's time, doubling — when 429s keep coming. So
 * a build runs at the limit rather than far under it or into a wall of 429s.
 */
import { abortError } from '../errors.js';
import { sleep } from './sleep.js';

/** Call when the request's answer (or failure) has arrived. */
export type ReleaseSlot = () => void;

export interface RateLimiter {
  /** Resolves when one more request may be sent now; the slot is held until `ReleaseSlot`. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
  /** No request may start before `ms` from now. */
  backOff(ms: number): void;
  /** A request was refused with 429; returns how long that costs, in ms. */
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
  const slotMs = options.intervalMs / options.requests;
  /** when each slot's request was answered; Infinity while it is still in flight */
  const slots: number[] = [];
  let lastStart = -Infinity;
  let pausedUntil = 0;
  let streak = 0;
  let marginMs = 0;
  let queue: Promise<void> = Promise.resolve();
  let wake: (() => void) | undefined;

  const waitForSlot = async (signal?: AbortSignal): Promise<ReleaseSlot> => {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const t = now();
      const windowMs = options.intervalMs + marginMs;
      for (let i = slots.length - 1; i >= 0; i--) if ((slots[i] ?? 0) <= t - windowMs) slots.splice(i, 1);
      let wait = Math.max(pausedUntil - t, lastStart + spacing - t);
      if (slots.length >= options.requests) {
        const oldest = Math.min(...slots);
        if (oldest === Infinity) {
          // every slot is in flight: the next answer frees one a window later
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        wait = Math.max(wait, oldest + windowMs - t);
      }
      if (wait <= 0) {
        slots.push(Infinity);
        lastStart = t;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          // the array may have shifted; mark the first still-open slot (all open slots are alike)
          const open = slots.indexOf(Infinity);
          if (open >= 0) slots[open] = now();
          wake?.();
          wake = undefined;
        };
      }
      await sleep(wait, signal);
    }
  };

  return {
    acquire(signal) {
      // Chain acquisitions so waiters are served first come, first served.
      const turn = queue.then(() => waitForSlot(signal));
      queue = turn.then(
        () => undefined,
        () => undefined,
      );
      return turn;
    },
    backOff(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    rateLimited(retryAfterMs) {
      streak++;
      marginMs = Math.min(options.intervalMs * 0.25, marginMs * 2 + Math.max(slotMs, options.intervalMs * 0.01));
      // A server that says when to come back is obeyed by every worker. Otherwise the wider
      // margin already spaces the next requests; the refused one waits for a slot like any other.
      if (retryAfterMs !== undefined) {
        const ms = Math.round(retryAfterMs * (1 + Math.random() * 0.25));
        this.backOff(ms);
        return ms;
      }
      const ms = Math.round(Math.min(options.intervalMs, slotMs * 2 ** (streak - 1)));
      // 429s that keep coming (another client on the same account) pause everyone, doubling.
      if (streak >= 3) this.backOff(ms);
      return ms;
    },
    accepted() {
      streak = 0;
      marginMs *= 0.98;
    },
  };
}
