/**
 * Writes that are all-or-nothing: a reader (a game engine, the next build, git) sees the old file
 * or the new one, never half of one. Data goes to a temp file in the same folder (so the rename
 * cannot cross file systems), is fsynced, then renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temp path beside `path`, hidden and unique, that kieaudio will recognise as its own. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.kieaudio-tmp`);
}

/** True for names made by `tempPathFor`: leftovers of a killed process, safe to delete. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.kieaudio-tmp');
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Copies `source` to `dest` atomically (temp copy in dest's folder, fsync, rename). */
export async function copyFileAtomic(source: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const temp = tempPathFor(dest);
  try {
    await copyFile(source, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(dest));
}

/** Makes a rename durable. Best effort: some platforms cannot open or fsync a directory. */
export async function syncDirectory(dir: string): Promise<void> {
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
