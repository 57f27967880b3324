/**
 * A rate limiter's slots handed out by priority instead of first come, first served: when the
 * poll budget binds (kie.ai allows 10 status queries per second per account, docs/kie-api.md §4),
 * the next poll goes to the task most likely to have finished, so results arrive sooner and
 * fewer polls find a task still running. Equal priorities keep their order, and a waiter gains a
 * whole point of priority (the most there is) for every AGING_MS it has waited, so a poll of an
 * unlikely task is delayed, never starved, by a stream of likelier ones.
 */
import { abortError } from '../errors.js';
import type { RateLimiter, ReleaseSlot } from './rate-limiter.js';

/** Waiting this long outweighs any difference in priority (they range over 0–1). */
export const AGING_MS = 1_000;

export interface PriorityGate {
  /** resolves with a slot of the limiter once no likelier waiter is ahead */
  acquire(priority: number, signal?: AbortSignal): Promise<ReleaseSlot>;
}

interface Waiter {
  priority: number;
  order: number;
  /** when it started waiting */
  since: number;
  resolve(release: ReleaseSlot): void;
  reject(error: unknown): void;
}

export function createPriorityGate(limiter: RateLimiter, now: () => number = Date.now): PriorityGate {
  const waiters: Waiter[] = [];
  let order = 0;
  let pumping: AbortController | undefined;

  const pump = async (): Promise<void> => {
    const controller = new AbortController();
    pumping = controller;
    try {
      while (waiters.length > 0) {
        const release = await limiter.acquire(controller.signal);
        const next = takeLikeliest(waiters, now());
        if (next === undefined) release();
        else next.resolve(release);
      }
    } catch {
      // acquisition was abandoned because every waiter left
    } finally {
      pumping = undefined;
      // a waiter may have come after the last one left and the acquisition was abandoned
      if (waiters.length > 0) void pump();
    }
  };

  return {
    acquire(priority, signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<ReleaseSlot>((resolve, reject) => {
        const onAbort = () => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          if (waiters.length === 0) pumping?.abort();
          reject(abortError(signal));
        };
        const waiter: Waiter = {
          priority: Number.isFinite(priority) ? priority : 0,
          order: order++,
          since: now(),
          resolve: (release) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(release);
          },
          reject,
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
        if (pumping === undefined) void pump();
      });
    },
  };
}

/** Removes and returns the waiter with the highest priority counting its wait, the earliest among equals. */
function takeLikeliest(waiters: Waiter[], at: number): Waiter | undefined {
  const rank = (w: Waiter) => w.priority + (at - w.since) / AGING_MS;
  let best = -1;
  let bestRank = -Infinity;
  for (let i = 0; i < waiters.length; i++) {
    const w = waiters[i] as Waiter;
    const r = rank(w);
    const b = waiters[best];
    if (b === undefined || r > bestRank || (r === bestRank && w.order < b.order)) {
      best = i;
      bestRank = r;
    }
  }
  return best < 0 ? undefined : waiters.splice(best, 1)[0];
}
