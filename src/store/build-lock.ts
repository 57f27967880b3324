/**
 * One build at a time per project: two builds writing one lock file and one cache would corrupt
 * both. The lock is a file created exclusively under `.kieaudio/`; a lock left by a process that
 * no longer exists (kill -9, a crash, a closed laptop) is noticed and taken over.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { KieaudioError, toKieaudioError } from '../errors.js';
import { sleep } from '../sleep.js';
import { fsFaultpoint } from './failpoint.js';
import { isProcessAlive } from './process-alive.js';

export const BUILD_LOCK_FILE = 'build.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

export interface BuildLock {
  /**
   * Removes the lock. With `tidy`, also removes `.kieaudio/` if taking the lock created it and
   * nothing else was put there since — for builds that end before writing anything (exit 2).
   */
  release(options?: { tidy?: boolean }): Promise<void>;
  /**
   * True when, on the way to the lock, a lock left by a process that died holding it (kill -9, a
   * crash) was found and removed — by this process or by a contender that got there first. That
   * build may have left temp files anywhere it writes. A contender that saw it too may also sweep:
   * a needless sweep costs a few readdirs; a missed one leaves litter.
   */
  tookOverFromDeadBuild: boolean;
}

/** A lock file this old that still cannot be read was abandoned half-written. */
const UNREADABLE_STALE_MS = 5_000;

export async function acquireBuildLock(
  stateDir: string,
  options: { wait: boolean; signal?: AbortSignal; onWait?: (holder: LockHolder) => void; pollMs?: number },
): Promise<BuildLock> {
  const createdStateDir = (await mkdir(stateDir, { recursive: true })) !== undefined;
  const path = join(stateDir, BUILD_LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  let told = false;
  let tookOverFromDeadBuild = false;

  for (;;) {
    if (await createLockFile(path, me)) {
      return heldLock({ stateDir, path, token: me.token, createdStateDir, tookOverFromDeadBuild });
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder === 'unreadable') {
      if (await removeIfAbandoned(path, options.signal)) tookOverFromDeadBuild = true;
      continue;
    }
    if (holder.host === me.host && !isProcessAlive(holder.pid)) {
      await removeStale(
        path,
        async () => {
          const again = await readHolder(path);
          return typeof again === 'object' && again.token === holder.token;
        },
        options.signal,
      );
      tookOverFromDeadBuild = true;
      continue;
    }
    if (!options.wait) throw lockedError(holder);
    if (!told) {
      told = true;
      options.onWait?.(holder);
    }
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

/** Creates the lock file as `me`; false when it exists already. */
async function createLockFile(path: string, me: LockHolder): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw toKieaudioError(error, 'E_IO', { action: 'write', path });
    return false;
  }
  try {
    fsFaultpoint(path, 'write');
    await handle.writeFile(`${JSON.stringify(me)}\n`);
    await handle.sync();
  } catch (error) {
    // A full disk fails the write after the file was made: left empty, it would hold up the next
    // build as a lock "being written" until it looked abandoned.
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw toKieaudioError(error, 'E_IO', { action: 'write', path });
  }
  await handle.close();
  return true;
}

function heldLock(held: {
  stateDir: string;
  path: string;
  token: string;
  createdStateDir: boolean;
  tookOverFromDeadBuild: boolean;
}): BuildLock {
  return {
    tookOverFromDeadBuild: held.tookOverFromDeadBuild,
    async release(opts) {
      await releaseIfOurs(held.path, held.token);
      // rmdir refuses a folder that is not empty: anything written since stays
      if (opts?.tidy && held.createdStateDir) await rmdir(held.stateDir).catch(() => undefined);
    },
  };
}

/**
 * A lock file that cannot be read is either being written right now or was abandoned
 * half-written: removes it once it is old enough to be the latter (true), else waits a moment.
 */
async function removeIfAbandoned(path: string, signal: AbortSignal | undefined): Promise<boolean> {
  const age = await ageMs(path);
  if (age !== undefined && age > UNREADABLE_STALE_MS) {
    await removeStale(
      path,
      async () => (await readHolder(path)) === 'unreadable' && ((await ageMs(path)) ?? 0) > UNREADABLE_STALE_MS,
      signal,
    );
    return true;
  }
  await sleep(50, signal);
  return false;
}

function lockedError(holder: LockHolder): KieaudioError {
  return new KieaudioError(
    'E_LOCKED',
    `another kieaudio build is running in this project (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); wait for it, or run without --no-wait to queue behind it`,
    { details: { pid: holder.pid, host: holder.host, since: holder.startedAt } },
  );
}

/**
 * Removes a stale lock — but only one contender at a time may do it, under an exclusive
 * takeover file, and only after `stillStale` re-checks it there. Without this, two processes that
 * both saw the same stale lock could each remove it, and the slower one would remove the fresh
 * lock the faster one had just taken: two builds at once.
 */
async function removeStale(path: string, stillStale: () => Promise<boolean>, signal: AbortSignal | undefined): Promise<void> {
  const takeover = `${path}.takeover`;
  let handle: FileHandle;
  try {
    handle = await open(takeover, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is taking over; a takeover file this old belongs to a process that died doing it.
    if (((await ageMs(takeover)) ?? 0) > UNREADABLE_STALE_MS) await unlink(takeover).catch(() => undefined);
    else await sleep(20, signal);
    return;
  }
  try {
    await handle.close();
    if (await stillStale()) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(takeover).catch(() => undefined);
  }
}

/**
 * Another live process building this project right now, if any (for `plan` and `status`, which
 * do not take the lock: what that build has in flight is not an interrupted build's).
 */
export async function runningBuild(stateDir: string): Promise<LockHolder | undefined> {
  const holder = await readHolder(join(stateDir, BUILD_LOCK_FILE));
  if (typeof holder === 'string' || holder.pid === process.pid) return undefined;
  return holder.host !== hostname() || isProcessAlive(holder.pid) ? holder : undefined;
}

async function readHolder(path: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return { pid: value.pid, host: value.host, token: value.token, startedAt: String(value.startedAt) };
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

async function releaseIfOurs(path: string, token: string): Promise<void> {
  const holder = await readHolder(path);
  if (typeof holder === 'object' && holder.token === token) await unlink(path).catch(() => undefined);
}

async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
