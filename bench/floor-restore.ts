/**
 * The floor of an atomic restore: for each output the lock lists, the least a restore that never
 * shows a half-written file must do — stat the cache file, copy it to a temp file beside the
 * output in the kernel, rename it into place. No checks, no lock, no events. Restoring cannot be
 * faster than this; `cp` can, because it writes in place.
 *
 *   node dist-bench/bench/floor-restore.js PROJECT_DIR   → prints "<files> <milliseconds>"
 */
import { constants, copyFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [root = '.'] = process.argv.slice(2);
const lock = JSON.parse(readFileSync(join(root, 'kieaudio.lock'), 'utf8')) as { assets: Record<string, { specHash: string }> };
const cache = join(root, '.kieaudio', 'cache');
const made = new Set<string>();
let count = 0;
const started = performance.now();
for (const [out, entry] of Object.entries(lock.assets)) {
  const source = join(cache, entry.specHash.slice(0, 2), `${entry.specHash}.audio`);
  const dest = join(root, 'assets', out);
  const folder = dirname(dest);
  if (!made.has(folder)) {
    mkdirSync(folder, { recursive: true });
    made.add(folder);
  }
  const temp = join(folder, `.${count}.tmp`);
  statSync(source);
  copyFileSync(source, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  renameSync(temp, dest);
  count++;
}
// the copying alone, as kieaudio's restore is timed: start-up and reading the lock are not in it
process.stdout.write(`${count} ${(performance.now() - started).toFixed(1)}\n`);
