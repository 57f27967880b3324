/**
 * Writes that are all-or-nothing: a reader (a game engine, the next build, git) sees the old file
 * or the new one, never half of one. Data goes to a temp file in the same folder (so the rename
 * cannot cross file systems), is fsynced, then renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fsFaultpoint } from './failpoint.js';
import { isProcessAlive } from './process-alive.js';

/**
 * Temp names are unique by pid, a random token drawn once per process (a later process may get
 * the same pid) and a counter: no random draw per file, which a restore of thousands would notice.
 */
const PROCESS_TOKEN = randomBytes(4).toString('hex');
let tempCount = 0;

/** Temp files that exist right now, so a hard exit (a second Ctrl-C) can still remove them. */
const liveTemps = new Set<string>();

/**
 * A temp path beside `path`, hidden and unique, that kieaudio will recognise as its own. Call
 * `releaseTemp` once it has been renamed away or removed.
 */
export function tempPathFor(path: string): string {
  const token = `${PROCESS_TOKEN}${(tempCount++).toString(36)}`;
  // `path` names a file: splitting at its last separator is dirname and basename without the
  // normalizing, which a restore of thousands of files would notice.
  const cut = Math.max(path.lastIndexOf('/'), sep === '\\' ? path.lastIndexOf('\\') : -1) + 1;
  const temp = `${path.slice(0, cut)}.${path.slice(cut)}.${process.pid}.${token}.kieaudio-tmp`;
  liveTemps.add(temp);
  return temp;
}

export function releaseTemp(temp: string): void {
  liveTemps.delete(temp);
}

/** For exits that cannot wait for async cleanup: deletes every temp file still in use. */
export function removeLiveTempFilesSync(): void {
  for (const temp of liveTemps) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or removed
    }
  }
  liveTemps.clear();
}

/** True for names made by `tempPathFor`. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.kieaudio-tmp');
}

/**
 * Deletes temp files in `dir` left by kieaudio processes that no longer exist (kill -9, a crash).
 * Those of live processes — another build, this one — are in use and stay. Returns how many there
 * were; `dryRun` only counts them.
 */
export async function sweepStaleTemps(dir: string, options: { dryRun?: boolean } = {}): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!isTempName(name)) continue;
    const pid = Number(name.split('.').at(-3));
    if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) continue;
    if (!options.dryRun) await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/**
 * The one way kieaudio puts a file in place: `write` fills a temp file beside `dest` and says
 * whether to install it; the temp file is then renamed over `dest` (with `durable`, the folder is
 * fsynced too). On any failure, or a `false` from `write`, the temp file goes and `dest` is as it was.
 */
export async function installAtomically(
  dest: string,
  write: (temp: string) => Promise<boolean>,
  options: { durable?: boolean; beforeRename?: () => void } = {},
): Promise<boolean> {
  await mkdir(dirname(dest), { recursive: true });
  const temp = tempPathFor(dest);
  try {
    if (!(await write(temp))) {
      await rm(temp, { force: true });
      return false;
    }
    options.beforeRename?.();
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw namePath(error, temp);
  } finally {
    releaseTemp(temp);
  }
  if (options.durable ?? true) await syncDirectory(dirname(dest));
  return true;
}

/**
 * A write through a file handle fails (ENOSPC, EIO) with no path: Node knows only the descriptor.
 * The path is added, so the message can say which file (errors.ts fsErrorMessage).
 */
export function namePath(error: unknown, path: string): unknown {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e instanceof Error && typeof e.syscall === 'string' && e.path === undefined) e.path = path;
  return error;
}

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  /** `durable: false` skips the fsyncs, for files that are only hints (still never half-written) */
  options: { beforeRename?: () => void; durable?: boolean } = {},
): Promise<void> {
  const durable = options.durable ?? true;
  await installAtomically(
    path,
    async (temp) => {
      const handle = await open(temp, 'w');
      try {
        fsFaultpoint(path, 'write');
        await handle.writeFile(data);
        if (durable) await handle.sync();
      } finally {
        await handle.close();
      }
      return true;
    },
    options,
  );
}

/**
 * Kernel copies where the platform can: a copy-on-write clone on file systems that have them
 * (btrfs, XFS, APFS), else copy_file_range. EXCL: a temp name is new, and opening it exclusively
 * is also measurably cheaper than the truncate-and-chmod of an ordinary copy.
 */
const COPY_FLAGS = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE;

/**
 * Copies `source` to `dest` atomically (a temp copy beside it, renamed into place) into a folder
 * that must already exist. For the restore path: no fsync, as the copy can be made again from the
 * cache; and synchronous, as on a local disk the kernel does each call in tens of microseconds
 * while a round trip through the thread pool per call made restoring a thousand files several
 * times slower than `cp` (bench/restore.ts). Each call blocks for one file only.
 */
export function copyFileAtomicSync(source: string, dest: string): void {
  const temp = tempPathFor(dest);
  try {
    copyFileSync(source, temp, COPY_FLAGS);
    renameSync(temp, dest);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the copy's error is the one to report
    }
    throw error;
  } finally {
    releaseTemp(temp);
  }
}

/** Makes a rename durable. Best effort: some platforms cannot open or fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some network file systems refuse; the rename itself is still atomic there.
  }
}
