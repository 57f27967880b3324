/**
 * The last check before a file is installed: its folder, with every symlink resolved, must lie
 * inside outDir. Validation already refused `out` paths that leave it; this also catches a folder
 * swapped for a symlink after validation, so kieaudio never writes outside outDir. The first time
 * a build writes into a folder, temp files left there by killed processes are swept away, and the
 * folder is tried for writing (write-probe.ts).
 */
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { KieaudioError } from '../errors.js';
import { sweepStaleTemps } from './atomic-write.js';
import { probeWritable } from './write-probe.js';

export interface OutFolders {
  /**
   * Resolves when `dest` may be written, its folder created; throws E_IO if that folder leads
   * outside outDir. Each folder is checked once per build; `again` checks (and makes) it anew,
   * for a folder deleted since.
   */
  prepare(dest: string, again?: boolean): Promise<void>;
  /** True once `prepare` has succeeded for `dest`'s folder. */
  isReady(dest: string): boolean;
}

export function createOutFolders(outDir: string): OutFolders {
  const ready = new Map<string, Promise<void>>();
  const done = new Set<string>();
  // Swept once per build, even when checked `again`: temp files of killed processes do not come
  // back, and an --offline build checks again before every install, which re-read a folder of a
  // thousand files a thousand times (its names were most of that build's garbage).
  const swept = new Set<string>();
  let root: Promise<string> | undefined;
  return {
    isReady: (dest) => done.has(dirname(dest)),
    prepare(dest, again = false) {
      const folder = dirname(dest);
      if (again) {
        ready.delete(folder);
        done.delete(folder);
        root = undefined; // outDir itself may be gone too
      }
      let check = ready.get(folder);
      if (!check) {
        root ??= mkdir(outDir, { recursive: true }).then(() => realpath(outDir));
        check = root.then(async (realRoot) => {
          await assertInside(realRoot, outDir, folder, dest);
          await mkdir(folder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'EEXIST' && error.code !== 'ENOTDIR') throw error;
            throw new KieaudioError(
              'E_IO',
              `cannot make the folder ${relative(outDir, folder).split(sep).join('/')} in outDir for ${relative(outDir, dest).split(sep).join('/')}: a file of that name is in the way`,
              { cause: error },
            );
          });
          if (!swept.has(folder)) {
            await sweepStaleTemps(folder);
            // a folder that cannot be written (permissions, a read-only mount, a full disk) fails
            // its asset here, before the asset is paid for, not when the paid result is installed
            await probeWritable(folder, 'folder');
            swept.add(folder);
          }
          done.add(folder);
        });
        ready.set(folder, check);
      }
      return check;
    },
  };
}

async function assertInside(realRoot: string, outDir: string, folder: string, dest: string): Promise<void> {
  let dir = folder;
  let real: string | undefined;
  // The deepest folder that exists decides: the rest will be created inside it.
  for (;;) {
    try {
      real = await realpath(dir);
      break;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const rel = real === undefined ? '..' : relative(realRoot, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new KieaudioError('E_IO', `refusing to write ${dest}: its folder leads outside outDir (${outDir})`, {
      details: { dest, outDir },
    });
  }
}
