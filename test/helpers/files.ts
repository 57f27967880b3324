/**
 * File trees in a test's temp folder: write one from path → text, list what is there, and find the
 * temp files a build left behind.
 */
import type { Dirent } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** The suffix of every temp file kieaudio writes before renaming it into place. */
export const TEMP_SUFFIX = '.kieaudio-tmp';

/** Writes `files` (path → text) under `dir`, creating folders as needed. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** Every file under `dir` (symlinks listed, not followed), as sorted `/`-separated paths relative to it; none when `dir` is missing. */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    let entries: Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else found.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return found.sort();
}

export function isTempFile(path: string): boolean {
  return path.endsWith(TEMP_SUFFIX);
}

/** The temp files under `dir`, relative to it. */
export async function tempFiles(dir: string): Promise<string[]> {
  return (await listFiles(dir)).filter(isTempFile);
}
