/** Collects watch events and waits for conditions on them, with a deadline instead of sleeps. */
import type { BuildSummary, FileChange, WatchEvent } from '../../src/events.js';
import { type Watcher, watch } from '../../src/watch/watch.js';

export interface RebuildEvents {
  changes: FileChange[];
  /** everything between the rebuild event and its end */
  events: WatchEvent[];
  summary?: BuildSummary;
  error?: Extract<WatchEvent, { type: 'rebuild-error' }>;
}

export interface Collector {
  readonly events: WatchEvent[];
  push(event: WatchEvent): void;
  /** resolves with the first defined answer of `find`, re-asked after every event */
  until<T>(find: (events: readonly WatchEvent[]) => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  /** rebuild `n`, once it has ended (a summary or a rebuild-error) */
  rebuild(n: number, timeoutMs?: number): Promise<RebuildEvents>;
  /** the events since rebuild `n` started (none before it has) */
  after(n: number): WatchEvent[];
  /** the out paths of events of this type in a rebuild, sorted */
  outs(rebuild: RebuildEvents, type: 'generated' | 'restored' | 'failed' | 'orphan'): string[];
}

export function createCollector(): Collector {
  const events: WatchEvent[] = [];
  const waiters = new Set<() => void>();

  const until: Collector['until'] = (find, what, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = find(events);
        if (found === undefined) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; events so far:\n${events.map((e) => JSON.stringify(e)).join('\n')}`));
      }, timeoutMs);
      const waiter = () => void check();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      if (!check()) waiters.add(waiter);
    });

  return {
    events,
    push(event) {
      events.push(event);
      for (const waiter of [...waiters]) waiter();
    },
    until,
    rebuild(n, timeoutMs) {
      return until(
        (all) => {
          const start = all.findIndex((e) => e.type === 'rebuild' && e.n === n);
          const head = all[start];
          if (head?.type !== 'rebuild') return undefined;
          const rest = all.slice(start + 1);
          const end = rest.findIndex((e) => e.type === 'summary' || (e.type === 'rebuild-error' && e.n === n));
          const last = rest[end];
          if (last === undefined) return undefined;
          return {
            changes: head.changes,
            events: rest.slice(0, end + 1),
            ...(last.type === 'summary' ? { summary: last } : {}),
            ...(last.type === 'rebuild-error' ? { error: last } : {}),
          };
        },
        `end of rebuild ${n}`,
        timeoutMs,
      );
    },
    after(n) {
      const start = events.findIndex((e) => e.type === 'rebuild' && e.n === n);
      return start === -1 ? [] : events.slice(start + 1);
    },
    outs(rebuild, type) {
      return rebuild.events.flatMap((e) => (e.type === type ? [e.out] : [])).sort();
    },
  };
}

/**
 * Watches `dir` (the watcher handed to `keep`, for the test file to close), and waits for its first
 * build to succeed and for watching to start.
 */
export async function startWatch(dir: string, env: Record<string, string>, keep: (watcher: Watcher) => void): Promise<Collector> {
  const collector = createCollector();
  keep(await watch({ cwd: dir, env, onEvent: collector.push }));
  const first = await collector.rebuild(0);
  if (first.error !== undefined) throw new Error(`the first build failed: ${first.error.message}`);
  await collector.until((e) => e.find((x) => x.type === 'watching'), 'watching');
  return collector;
}
