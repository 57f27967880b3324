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
import { sleep } from '../sleep.js';

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

export interface RateLimiterOptions {
  requests: number;
  intervalMs: number;
  /** least time between two requests, to spread them rather than send bursts (default 0) */
  spacingMs?: number;
  now?: () => number;
}

/** What the limiter's functions share: its settings and the window's bookkeeping. */
interface LimiterState {
  requests: number;
  intervalMs: number;
  spacing: number;
  slotMs: number;
  now: () => number;
  /** when each slot's request was answered; Infinity while it is still in flight */
  slots: number[];
  lastStart: number;
  pausedUntil: number;
  streak: number;
  marginMs: number;
  queue: Promise<void>;
  wake: (() => void) | undefined;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const limiter: LimiterState = {
    requests: options.requests,
    intervalMs: options.intervalMs,
    spacing: options.spacingMs ?? 0,
    slotMs: options.intervalMs / options.requests,
    now: options.now ?? Date.now,
    slots: [],
    lastStart: -Infinity,
    pausedUntil: 0,
    streak: 0,
    marginMs: 0,
    queue: Promise.resolve(),
    wake: undefined,
  };
  return {
    acquire: (signal) => acquireSlot(limiter, signal),
    backOff: (ms) => backOff(limiter, ms),
    rateLimited: (retryAfterMs) => noteRateLimited(limiter, retryAfterMs),
    accepted: () => noteAccepted(limiter),
  };
}

function acquireSlot(limiter: LimiterState, signal?: AbortSignal): Promise<ReleaseSlot> {
  // Chain acquisitions so waiters are served first come, first served.
  const turn = limiter.queue.then(() => waitForSlot(limiter, signal));
  limiter.queue = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

async function waitForSlot(limiter: LimiterState, signal?: AbortSignal): Promise<ReleaseSlot> {
  const { slots } = limiter;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    const t = limiter.now();
    const windowMs = limiter.intervalMs + limiter.marginMs;
    for (let i = slots.length - 1; i >= 0; i--) if ((slots[i] ?? 0) <= t - windowMs) slots.splice(i, 1);
    let wait = Math.max(limiter.pausedUntil - t, limiter.lastStart + limiter.spacing - t);
    if (slots.length >= limiter.requests) {
      const oldest = Math.min(...slots);
      if (oldest === Infinity) {
        // every slot is in flight: the next answer frees one a window later
        await new Promise<void>((resolve) => (limiter.wake = resolve));
        continue;
      }
      wait = Math.max(wait, oldest + windowMs - t);
    }
    if (wait <= 0) return holdSlot(limiter, t);
    await sleep(wait, signal);
  }
}

/** Takes a slot now; it stays in flight until the returned function is called (once counts). */
function holdSlot(limiter: LimiterState, t: number): ReleaseSlot {
  const { slots } = limiter;
  slots.push(Infinity);
  limiter.lastStart = t;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // the array may have shifted; mark the first still-open slot (all open slots are alike)
    const open = slots.indexOf(Infinity);
    if (open >= 0) slots[open] = limiter.now();
    limiter.wake?.();
    limiter.wake = undefined;
  };
}

function backOff(limiter: LimiterState, ms: number): void {
  limiter.pausedUntil = Math.max(limiter.pausedUntil, limiter.now() + ms);
}

function noteRateLimited(limiter: LimiterState, retryAfterMs: number | undefined): number {
  const { intervalMs, slotMs } = limiter;
  limiter.streak++;
  limiter.marginMs = Math.min(intervalMs * 0.25, limiter.marginMs * 2 + Math.max(slotMs, intervalMs * 0.01));
  // A server that says when to come back is obeyed by every worker. Otherwise the wider
  // margin already spaces the next requests; the refused one waits for a slot like any other.
  if (retryAfterMs !== undefined) {
    const ms = Math.round(retryAfterMs * (1 + Math.random() * 0.25));
    backOff(limiter, ms);
    return ms;
  }
  const ms = Math.round(Math.min(intervalMs, slotMs * 2 ** (limiter.streak - 1)));
  // 429s that keep coming (another client on the same account) pause everyone, doubling.
  if (limiter.streak >= 3) backOff(limiter, ms);
  return ms;
}

function noteAccepted(limiter: LimiterState): void {
  limiter.streak = 0;
  limiter.marginMs *= 0.98;
}
