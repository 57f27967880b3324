/**
 * Keeps `kieaudio.lock` current while a build runs, so that a crash halfway keeps the half that
 * was done. Writes are serialized and coalesced: at most one every `intervalMs`, plus a final one.
 */
import { type LockEntry, type LockFile, sameLockEntry, writeLockFile } from './lock-file.js';

export interface LockWriter {
  readonly lock: LockFile;
  set(out: string, entry: LockEntry): void;
  delete(out: string): void;
  /** Writes now if anything changed since the last write, after any write already under way. */
  flush(): Promise<void>;
}

export function createLockWriter(path: string, lock: LockFile, text: string | undefined, intervalMs = 200): LockWriter {
  let written = text;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

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
        try {
          written = await writeLockFile(path, lock, written);
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
    timer ??= setTimeout(() => void write().catch(() => undefined), intervalMs);
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
    flush: write,
  };
}
