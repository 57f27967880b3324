/**
 * Effects: finds output folders that leave outDir through a symlink (`assets/audio/sfx -> /etc`).
 * It runs on every build, including no-op builds of tens of thousands of assets, so it works per
 * distinct folder, memoizes, and only realpaths what exists.
 */
import { realpath } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';

export interface Escape {
  /** the folder of `out`, relative to outDir (POSIX) */
  folder: string;
  /** where its deepest existing part really is */
  realPath: string;
}

/**
 * For each folder (relative to outDir, POSIX), whether its deepest existing ancestor resolves
 * outside realpath(outDir). Folders that do not exist yet will be created inside that ancestor,
 * so the ancestor decides.
 */
export async function findEscapingFolders(outDir: string, folders: Iterable<string>): Promise<Map<string, Escape>> {
  const escapes = new Map<string, Escape>();
  let root: string;
  try {
    root = await realpath(outDir);
  } catch {
    return escapes; // no outDir yet: everything will be created fresh inside it
  }
  const memo = new Map<string, Promise<string>>();
  const realOf = (folder: string): Promise<string> => {
    if (folder === '.' || folder === '') return Promise.resolve(root);
    let pending = memo.get(folder);
    if (pending === undefined) {
      pending = realpath(join(outDir, ...folder.split('/'))).catch((error: unknown) => {
        // a symlink loop goes nowhere safe; report it rather than walking around it
        if (isCode(error, 'ELOOP')) return `${join(outDir, ...folder.split('/'))} (a symlink loop)`;
        return realOf(posix.dirname(folder));
      });
      memo.set(folder, pending);
    }
    return pending;
  };
  const distinct = [...new Set(folders)];
  const reals = await Promise.all(distinct.map(realOf));
  for (const [i, folder] of distinct.entries()) {
    const realPath = reals[i];
    if (realPath !== undefined && realPath !== root && !realPath.startsWith(root.endsWith(sep) ? root : root + sep)) {
      escapes.set(folder, { folder, realPath });
    }
  }
  return escapes;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
