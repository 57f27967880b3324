/**
 * The build's polling as a whole, for spending idle poll budget where it shortens the build: only
 * the last tasks set a build's end, and by the time they run the creates are over, few tasks are
 * in flight and most of the shared poll budget (kie.ai: 10 status queries per second) sits idle.
 * The pace knows how many tasks the build still has to create and how many are being polled, and
 * tells the poll loops (kie/poll.ts) when a task leaves, so that one sleeping towards a far poll
 * can come sooner (kie/poll-plan.ts, idleGap).
 */
import type { SpareBudget } from './poll-plan.js';

export interface PollPace {
  /** the budget to spare now; undefined while the build still has tasks to create */
  spare(): SpareBudget | undefined;
  /** a task's poll loop starts; the function returned ends it (once) */
  join(): () => void;
  /** the build has `delta` more tasks to create (negative: that many were created, or never will be) */
  toCreate(delta: number): void;
  /** `listener` hears the budget to spare whenever it grows: a task left, or the creates ended; returns its removal */
  onChange(listener: (spare: SpareBudget) => void): () => void;
}

export function createPollPace(pollsPerSecond: number): PollPace {
  let inFlight = 0;
  let creating = 0;
  const listeners = new Set<(spare: SpareBudget) => void>();
  const spare = (): SpareBudget | undefined => (creating > 0 ? undefined : { inFlight, pollsPerSecond });
  const changed = () => {
    const now = spare();
    if (now !== undefined) for (const listener of [...listeners]) listener(now);
  };
  return {
    spare,
    join() {
      inFlight++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inFlight--;
        changed();
      };
    },
    toCreate(delta) {
      const before = creating;
      creating = Math.max(0, creating + delta);
      if (before > 0 && creating === 0) changed();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
