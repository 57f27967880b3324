/**
 * Timing data kept in the content cache beside an entry's audio, under the same spec hash
 * (`<shard>/<specHash>.timings.json`): the `.timings.json` document of the result as generated
 * (the text in it is the text as sent), so that a deleted subtitle file, a subtitle format added
 * later or a restored output gets its sidecars without an API call. An entry without it (made
 * before timestamps were asked for, or by an older kieaudio) still restores its audio; a file
 * that is not a valid document is no document.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTimingsDoc, type TimingsDoc, timingsDocText } from '../timings/timings-doc.js';
import { writeFileAtomic } from './atomic-write.js';
import type { ContentCache } from './content-cache.js';
import { sha256Hex } from './sha256.js';

/** Where the entry's timing data is (or would be). */
export function cachedTimingsPath(cache: Pick<ContentCache, 'dataPath'>, specHash: string): string {
  return cache.dataPath(specHash).replace(/\.audio$/, '.timings.json');
}

export async function readCachedTimings(cache: Pick<ContentCache, 'dataPath'>, specHash: string): Promise<TimingsDoc | undefined> {
  try {
    return parseTimingsDoc(await readFile(cachedTimingsPath(cache, specHash), 'utf8'));
  } catch {
    // absent or unreadable: the sidecars fall back to the next source (sidecars.ts)
    return undefined;
  }
}

/** Written before the entry's record is committed: a crash in between leaves timing data without audio, which is harmless. */
export async function writeCachedTimings(cache: Pick<ContentCache, 'dataPath'>, specHash: string, doc: TimingsDoc): Promise<void> {
  await writeFileAtomic(cachedTimingsPath(cache, specHash), timingsDocText(doc));
}

/**
 * Keeps a `.timings.json` that kieaudio wrote beside an output as the timing data of the entry
 * `key` (a take kept from an output, store/takes.ts), when it still holds `contentHash`, what the
 * lock records of it; anything else is not kept.
 */
export async function keepTimingsFile(
  cache: Pick<ContentCache, 'dataPath'>,
  key: string,
  file: string,
  contentHash: string,
): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined || sha256Hex(text) !== contentHash) return;
  const doc = parseTimingsDoc(text);
  if (doc !== undefined) await writeCachedTimings(cache, key, doc);
}

/**
 * Timing data with no entry beside it — a build killed between writing it and committing its
 * entry, or between linking a take's files and its record — for `clean --cache` to delete: it
 * means nothing without its audio. `entries`: the keys that have a record.
 */
export async function strayTimings(cache: Pick<ContentCache, 'dir'>, entries: ReadonlySet<string>): Promise<string[]> {
  const stray: string[] = [];
  for (const shard of await readdir(cache.dir).catch(() => [])) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of await readdir(join(cache.dir, shard)).catch(() => [])) {
      const key = /^([0-9a-f]{64})\.timings\.json$/.exec(name)?.[1];
      if (key !== undefined && !entries.has(key)) stray.push(join(cache.dir, shard, name));
    }
  }
  return stray;
}
