/**
 * When watch mode rebuilds: after a quiet period following the last change (editors save in
 * bursts, formatters save twice), one build at a time. A change that arrives while a build runs
 * waits for it to end instead of cancelling it: the tasks it started are paid for, and their
 * results must land in the cache.
 */

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface RebuildQueue {
  /** a file changed: starts (or restarts) the quiet period */
  add(path: string, change: ChangeKind): void;
  /** a build now, without a quiet period (the first one) */
  runNow(): void;
  /** no more builds; resolves once the one running, if any, has ended */
  close(): Promise<void>;
}

export interface RebuildQueueOptions {
  debounceMs: number;
  /** one build for these changes (path → what happened to it); must not throw */
  run(changes: ReadonlyMap<string, ChangeKind>): Promise<void>;
  /** changes whose quiet period ended while a build runs: they wait for it */
  onDeferred?(changes: ReadonlyMap<string, ChangeKind>): void;
}

export function createRebuildQueue(options: RebuildQueueOptions): RebuildQueue {
  let pending = new Map<string, ChangeKind>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let forced = false;
  let closed = false;

  const start = () => {
    if (closed || running !== undefined) return;
    if (pending.size === 0 && !forced) return;
    const changes = pending;
    pending = new Map();
    forced = false;
    running = options.run(changes).finally(() => {
      running = undefined;
      // what arrived meanwhile is built now, unless its quiet period is still running
      if (timer === undefined) start();
    });
  };

  return {
    add(path, change) {
      if (closed) return;
      const merged = merge(pending.get(path), change);
      if (merged === undefined) pending.delete(path);
      else pending.set(path, merged);
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (running !== undefined && pending.size > 0) options.onDeferred?.(new Map(pending));
        start();
      }, options.debounceMs);
    },
    runNow() {
      forced = true;
      start();
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

/** Two changes to one file within a burst, as one; undefined when they cancel out. */
function merge(before: ChangeKind | undefined, after: ChangeKind): ChangeKind | undefined {
  if (before === undefined) return after;
  if (before === 'added') return after === 'removed' ? undefined : 'added';
  if (before === 'removed') return after === 'removed' ? 'removed' : 'changed';
  return after === 'added' ? 'changed' : after;
}
