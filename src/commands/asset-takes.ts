/**
 * What `takes`, `pin` and `unpin` all start from: the asset named on the command line, the takes
 * of its current spec as `takes` numbers them, and where each one's audio is. Reads only.
 */

import { knownTakes, type TakeRow, takeRows } from '../plan/take-list.js';
import type { Project, ResolvedAsset } from '../project.js';
import { findAsset } from '../spec/find-asset.js';
import { specHashOf } from '../spec/hash.js';
import { rawHashOf } from '../store/lock-file.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import type { TakeLocation } from '../store/takes.js';

export interface KnownTakes {
  asset: ResolvedAsset;
  specHash: string;
  rows: TakeRow[];
  /** where the cache holds each take's audio, by take number (missing ones are absent) */
  locations: Map<number, TakeLocation>;
}

export async function readTakes(project: Project, store: ProjectStore, id: string): Promise<KnownTakes> {
  const asset = findAsset(project.assets, id);
  const hash = specHashOf(asset);
  const entry = store.lock.assets[asset.out];
  const takes = knownTakes(await store.takes.list(hash), await store.cache.lookup(hash), entry, hash);
  const locations = new Map<number, TakeLocation>();
  for (const take of takes) {
    const found = take.placeholder ? undefined : await store.takes.locate(hash, take);
    if (found) locations.set(take.n, found);
  }
  const output = await store.statIndex.check(asset.out, outputPath(project, asset.out));
  const installed = output.exists ? output.contentHash : undefined;
  // a processed output names its raw take
  const outHash = entry !== undefined && installed === entry.contentHash ? rawHashOf(entry) : installed;
  const rows = takeRows(takes, { entry, specHash: hash, outHash, present: new Set(locations.keys()) });
  return { asset, specHash: hash, rows, locations };
}
