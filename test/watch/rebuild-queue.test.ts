/** The quiet period and one-at-a-time rule, with real (short) timers. */
import { describe, expect, it } from 'vitest';
import { type ChangeKind, createRebuildQueue } from '../../src/watch/rebuild-queue.js';

type Runs = Array<Record<string, ChangeKind>>;

/** A queue whose builds end when the test says so. */
function harness(debounceMs = 20) {
  const runs: Runs = [];
  const deferred: Runs = [];
  const ends: Array<() => void> = [];
  const waiters: Array<() => void> = [];
  const queue = createRebuildQueue({
    debounceMs,
    run(changes) {
      runs.push(Object.fromEntries(changes));
      for (const w of waiters.splice(0)) w();
      return new Promise<void>((resolve) => ends.push(resolve));
    },
    onDeferred: (changes) => {
      deferred.push(Object.fromEntries(changes));
      for (const w of waiters.splice(0)) w();
    },
  });
  const until = async (ok: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out; runs: ${JSON.stringify(runs)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  const finish = async () => {
    ends.shift()?.();
    await Promise.resolve();
  };
  return { queue, runs, deferred, until, finish };
}

describe('rebuild queue', () => {
  it('runs the first build at once, then one build per quiet period', async () => {
    const h = harness();
    h.queue.runNow();
    expect(h.runs).toEqual([{}]);
    await h.finish();
    for (let i = 0; i < 5; i++) h.queue.add('/a.yaml', 'changed');
    h.queue.add('/b.yaml', 'added');
    await h.until(() => h.runs.length === 2);
    expect(h.runs[1]).toEqual({ '/a.yaml': 'changed', '/b.yaml': 'added' });
    await h.finish();
    await h.queue.close();
  });

  it('holds changes made during a build until it ends, then builds them once', async () => {
    const h = harness();
    h.queue.runNow();
    h.queue.add('/a.yaml', 'changed');
    await h.until(() => h.deferred.length === 1);
    h.queue.add('/b.yaml', 'changed');
    await h.until(() => h.deferred.length === 2);
    expect(h.runs).toHaveLength(1);
    await h.finish();
    await h.until(() => h.runs.length === 2);
    expect(h.runs[1]).toEqual({ '/a.yaml': 'changed', '/b.yaml': 'changed' });
    await h.finish();
    await h.queue.close();
  });

  it('folds changes to one file: added then removed is nothing, removed then added is a change', async () => {
    const h = harness();
    h.queue.add('/new.yaml', 'added');
    h.queue.add('/new.yaml', 'removed');
    h.queue.add('/old.yaml', 'removed');
    h.queue.add('/old.yaml', 'added');
    await h.until(() => h.runs.length === 1);
    expect(h.runs[0]).toEqual({ '/old.yaml': 'changed' });
    await h.finish();
    await h.queue.close();
  });

  it('close() waits for the build in progress and starts no other', async () => {
    const h = harness();
    h.queue.runNow();
    h.queue.add('/a.yaml', 'changed');
    let closed = false;
    const closing = h.queue.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    await h.finish();
    await closing;
    expect(h.runs).toHaveLength(1);
  });
});
