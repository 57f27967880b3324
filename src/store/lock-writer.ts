/**
 * Keeps `kieaudio.lock` current while a build runs, so that a crash halfway keeps the half that
 * was done. Writes are serialized and coalesced: at most one every `intervalMs`, plus a final one.
 * Each write serializes the whole lock, so its cost grows with the project: the pause after a
 * write grows with what that write cost (lockWriteDelay). Rewriting a 10,000-entry lock (6 MB)
 * every 200 ms made a build's CPU time and memory grow with the square of its size; a crash
 * between writes costs nothing, as the next build adopts installed outputs from the cache.
 */
import { stat } from 'node:fs/promises';
import { type LockEntry, type LockFile, type SceneLockEntry, sameLockEntry, sameSceneEntry } from './lock-file.js';
import { writeLockText } from './lock-text.js';

export interface LockWriter {
  readonly lock: LockFile;
  set(out: string, entry: LockEntry): void;
  delete(out: string): void;
  /** Records a scene file (keyed by the scene's `out`). */
  setScene(out: string, entry: SceneLockEntry): void;
  /** Drops a scene file's record; the lock's `scenes` goes with its last one. */
  deleteScene(out: string): void;
  /** Writes now if anything changed since the last write, after any write already under way. */
  flush(): Promise<void>;
  /** SHA-256 of the lock's text on disk as this writer last wrote or was given it */
  digest(): string | undefined;
  /** the lock file's stat data right after this writer last wrote it (under the build lock); undefined: it wrote nothing */
  writtenStat(): FileStat | undefined;
}

/** What identifies one version of a file (store-memo.ts compares it). */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** A write may take this share of the time between writes, at most (1/20: 5 %). */
const WRITE_SHARE = 20;

/** How long after a write the next may start: `intervalMs`, or more when that write was slow. */
export function lockWriteDelay(intervalMs: number, lastWriteMs: number): number {
  return Math.max(intervalMs, WRITE_SHARE * lastWriteMs);
}

export function createLockWriter(path: string, lock: LockFile, digest: string | undefined, intervalMs = 200): LockWriter {
  let written = digest;
  let lastStat: FileStat | undefined;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let delayMs = intervalMs;

  const write = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const run = writing
      .catch(() => undefined)
      .then(async () => {
        if (!dirty) return;
        dirty = false;
        const started = performance.now();
        try {
          const before = written;
          written = await writeLockText(path, lock, written);
          if (written !== before) lastStat = statOf(await stat(path));
          delayMs = lockWriteDelay(intervalMs, performance.now() - started);
        } catch (error) {
          dirty = true;
          throw error;
        }
      });
    writing = run;
    return run;
  };

  const schedule = () => {
    dirty = true;
    // A failed background write is retried by the final flush, which reports the error.
    timer ??= setTimeout(() => void write().catch(() => undefined), delayMs);
  };

  return {
    lock,
    set(out, entry) {
      const current = lock.assets[out];
      if (current !== undefined && sameLockEntry(current, entry)) return;
      lock.assets[out] = entry;
      schedule();
    },
    delete(out) {
      delete lock.assets[out];
      schedule();
    },
    ...sceneWriter(lock, schedule),
    flush: write,
    digest: () => written,
    writtenStat: () => lastStat,
  };
}

function statOf(s: FileStat): FileStat {
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
}

/** The lock's scene files (a `scenes` map, left out while empty so older locks stay byte-identical). */
function sceneWriter(lock: LockFile, schedule: () => void): Pick<LockWriter, 'setScene' | 'deleteScene'> {
  return {
    setScene(out, entry) {
      const current = lock.scenes?.[out];
      if (current !== undefined && sameSceneEntry(current, entry)) return;
      lock.scenes ??= Object.create(null) as Record<string, SceneLockEntry>;
      lock.scenes[out] = entry;
      schedule();
    },
    deleteScene(out) {
      if (lock.scenes?.[out] === undefined) return;
      delete lock.scenes[out];
      if (Object.keys(lock.scenes).length === 0) delete lock.scenes;
      schedule();
    },
  };
}
