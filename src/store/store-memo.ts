/**
 * The project's lock and stat index kept in memory between the builds of one watch session, so a
 * rebuild does not read and validate a 6 MB lock again (about 100 ms at 10,000 assets). Never a
 * stale lock: another `kieaudio build` may run between two rebuilds. Each open — under the build
 * lock — compares the lock file's stat data with what was seen when its text was last checked;
 * when they differ, or the file changed too close to that moment to tell (the "racy" case of
 * git's index), the text is read and hashed (a few ms), and only a text that is not the one in
 * memory is parsed again. A lock this process wrote is known by the digest and stat data its
 * writer hands back (build/execute.ts). After a build that failed, nothing is kept.
 *
 * The stat index is kept as it is: it is a cache of hashes that vouches for a file only while the
 * file's stat data is what it recorded, so another process's writes can only make it miss.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { toKieaudioError } from '../errors.js';
import type { Project } from '../project.js';
import { emptyLockFile, LOCK_FILE_NAME, type LockFile, parseLockFile } from './lock-file.js';
import { assembleStore, type ProjectStore } from './project-store.js';
import { sha256Hex } from './sha256.js';
import { loadStatIndex, type StatIndex } from './stat-index.js';

/** Coarser than any file system's timestamps (FAT: 2 s), as in stat-index.ts. */
const RACY_MS = 2_000;

export interface StoreMemo {
  /** The store, from memory where the files on disk are those in memory. Call it holding the build lock. */
  open(project: Project): Promise<ProjectStore>;
  /** After the build that used `store`: `ok` false (it threw) forgets everything. */
  settle(store: ProjectStore, ok: boolean): void;
}

interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** when the text behind this stat data was checked */
  checkedAt: number;
  /** taken by this process's lock writer right after it wrote the file */
  written?: boolean;
}

interface Held {
  /** where, and for what state folder: another config (or the same edited) starts afresh */
  key: string;
  lock: LockFile;
  /** of the text on disk that `lock` is; undefined: there is no lock file */
  digest: string | undefined;
  /** the lock file's stat data when its text was last found to be `digest`; undefined: check the text */
  stamp: Stamp | undefined;
  statIndex: StatIndex;
}

export function createStoreMemo(displayLock: string): StoreMemo {
  let held: Held | undefined;
  return {
    async open(project) {
      const key = JSON.stringify([project.config.rootDir, project.config.stateDir]);
      if (held?.key !== key) held = undefined;
      const lockPath = join(project.config.rootDir, LOCK_FILE_NAME);
      const statIndex = held?.statIndex ?? (await loadStatIndex(project.config.stateDir));
      const current = await currentLock(lockPath, displayLock, held);
      held = { key, statIndex, ...current };
      return assembleStore(project, { lock: current.lock, lockDigest: current.digest, statIndex });
    },
    settle(store, ok) {
      if (!ok || held === undefined || held.lock !== store.lock) {
        held = undefined;
        return;
      }
      // a lock the build wrote is known by the stat data its writer took, holding the build lock
      if (store.lockDigest === held.digest) return;
      const stat = store.lockStat;
      held = {
        ...held,
        digest: store.lockDigest,
        stamp: stat === undefined ? undefined : { ...stat, checkedAt: Date.now(), written: true },
      };
    },
  };
}

type Current = Pick<Held, 'lock' | 'digest' | 'stamp'>;

async function currentLock(path: string, display: string, held: Held | undefined): Promise<Current> {
  const stats = await statOf(path);
  if (stats === undefined)
    return held !== undefined && held.digest === undefined ? held : { lock: emptyLockFile(), digest: undefined, stamp: undefined };
  if (held?.stamp !== undefined && vouches(held.stamp, stats)) return held;
  const { bytes, stamp } = await readWithStamp(path);
  // the digest of the bytes is the text's (lock-text.ts hashes what it writes as UTF-8); only a new text is decoded and parsed
  const digest = sha256Hex(bytes);
  if (held !== undefined && held.digest === digest) return { lock: held.lock, digest, stamp };
  return { lock: parseLockFile(bytes.toString('utf8'), display), digest, stamp };
}

/**
 * The file is the one the stamp describes. A file whose text was read is trusted once its times
 * are older than RACY_MS at that read: an edit in the same clock tick could not be told apart. A
 * file this process wrote is a new inode (written aside, renamed in place) whose stat data were
 * taken holding the build lock, before any other build could write: only the same inode number,
 * size and times could be mistaken for it, which on a file system with sub-millisecond times
 * means the very same file; on a coarse one, the racy window applies as well.
 */
function vouches(stamp: Stamp, s: Stats): boolean {
  const same = stamp.size === s.size && stamp.mtimeMs === s.mtimeMs && stamp.ctimeMs === s.ctimeMs && stamp.ino === s.ino;
  if (!same) return false;
  const fine = !Number.isInteger(s.mtimeMs) || !Number.isInteger(s.ctimeMs);
  return (stamp.written === true && fine) || Math.max(s.mtimeMs, s.ctimeMs) + RACY_MS < stamp.checkedAt;
}

/** The text, and the stat data of the very file it was read from (a rename over it mid-read cannot mix the two). */
async function readWithStamp(path: string): Promise<{ bytes: Buffer; stamp: Stamp }> {
  try {
    const handle = await open(path, 'r');
    try {
      const checkedAt = Date.now();
      const s = await handle.stat();
      const bytes = await handle.readFile();
      return { bytes, stamp: { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, checkedAt } };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw toKieaudioError(error, 'E_IO', { action: 'read', path });
  }
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toKieaudioError(error, 'E_IO', { action: 'read', path });
  }
}
