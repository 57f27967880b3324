/**
 * The last check before a file is installed: its folder, with every symlink resolved, must lie
 * inside outDir. Validation already refused `out` paths that leave it; this also catches a folder
 * swapped for a symlink after validation, so kieaudio never writes outside outDir.
 */
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { KieaudioError } from '../errors.js';

export async function assertInsideOutDir(outDir: string, dest: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const root = await realpath(outDir);
  let dir = dirname(dest);
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
  const rel = real === undefined ? '..' : relative(root, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new KieaudioError('E_IO', `refusing to write ${dest}: its folder leads outside outDir (${outDir})`, {
      details: { dest, outDir },
    });
  }
}
