/**
 * One cache entry's files under another key, without copying the audio: how a take is kept when
 * the entry that holds it is about to be replaced (takes.ts). Every file of the entry goes along,
 * whatever feature put it beside the data, because the cache names them all `<key>.*`.
 */
import { copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isTempName, releaseTemp, tempPathFor } from './atomic-write.js';
import type { ContentCache } from './content-cache.js';

/**
 * Links every file of the cache entry `from` (`<from>.*`) under the key `to`, each atomically, the
 * record last: a link where the file system allows one (no copy of the audio), a copy otherwise.
 * Whatever replaces `from`'s files later renames new ones into place, so the links keep the old.
 */
export async function linkEntry(cache: ContentCache, from: string, to: string): Promise<void> {
  const fromDir = dirname(cache.dataPath(from));
  const toDir = dirname(cache.dataPath(to));
  const record = cache.recordPath(from);
  const names = (await readdir(fromDir)).filter((name) => name.startsWith(`${from}.`) && !isTempName(name));
  const files = names.map((name) => join(fromDir, name)).sort((a, b) => Number(a === record) - Number(b === record));
  await mkdir(toDir, { recursive: true });
  for (const file of files) {
    const dest = join(toDir, `${to}${file.slice(fromDir.length + 1 + from.length)}`);
    const temp = tempPathFor(dest);
    try {
      await link(file, temp).catch(() => copyFile(file, temp));
      await rename(temp, dest);
    } finally {
      releaseTemp(temp);
      await rm(temp, { force: true });
    }
  }
  cache.forget(to);
}
