/**
 * The takes a review page plays for one asset: every take of its current spec that the cache
 * holds, copied into the page's `takes/` folder by content hash (so the page plays them from
 * `file://`, and a take already copied costs nothing), with the current and pinned ones marked.
 */
import { access, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedAsset } from '../plan/decide.js';
import { knownTakes, takeRows } from '../plan/take-list.js';
import { rawHashOf } from '../store/lock-file.js';
import type { ProjectStore } from '../store/project-store.js';
import type { OutputState } from '../store/stat-index.js';

export interface ReviewTake {
  n: number;
  /** relative to the page; null when the cache no longer holds it */
  src: string | null;
  current: boolean;
  pinned: boolean;
  generatedAt: string | null;
  placeholder: boolean;
}

export async function reviewTakes(store: ProjectStore, item: PlannedAsset, output: OutputState, reportDir: string): Promise<ReviewTake[]> {
  const { asset, specHash } = item;
  const entry = store.lock.assets[asset.out];
  const takes = knownTakes(await store.takes.list(specHash), await store.cache.lookup(specHash), entry, specHash);
  const sources = new Map<number, string>();
  for (const take of takes) {
    const found = take.placeholder ? undefined : await store.takes.locate(specHash, take);
    if (found) sources.set(take.n, store.cache.dataPath(found.key));
  }
  const installed = output.exists ? output.contentHash : undefined;
  const outHash = entry !== undefined && installed === entry.contentHash ? rawHashOf(entry) : installed;
  const rows = takeRows(takes, { entry, specHash, outHash, present: new Set(sources.keys()) });
  const extension = asset.format.extensions[0] ?? '.audio';
  return Promise.all(
    rows.map(async (row) => {
      const source = sources.get(row.n);
      const name = `${row.contentHash}${extension}`;
      if (source !== undefined) await copyOnce(source, join(reportDir, 'takes', name));
      return {
        n: row.n,
        src: source === undefined ? null : `takes/${name}`,
        current: row.current,
        pinned: row.pinned,
        generatedAt: row.generatedAt ?? null,
        placeholder: row.placeholder === true,
      };
    }),
  );
}

/** Named by content: a file already there holds the same audio. */
async function copyOnce(source: string, dest: string): Promise<void> {
  const there = await access(dest).then(
    () => true,
    () => false,
  );
  if (there) return;
  await mkdir(join(dest, '..'), { recursive: true });
  await copyFile(source, dest);
}
