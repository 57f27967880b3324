/**
 * `kieaudio takes ID`: the takes of an asset's current spec — every paid generation of it, oldest
 * first — with when and by which task each was made, what it cost, which is at `out` and which is
 * pinned. A take whose audio is gone from the cache is listed, marked missing. Reads only.
 */

import type { TakeRow } from '../plan/take-list.js';
import type { ResolvedAsset } from '../project.js';
import type { CommonOptions } from '../spec/prepare.js';
import { loadSelected } from '../spec/prepare.js';
import { type KnownTakes, readTakes } from './asset-takes.js';

export type { TakeRow } from '../plan/take-list.js';

export interface TakesOptions extends Omit<CommonOptions, 'only' | 'offline'> {
  /** the asset's id or out path */
  id: string;
}

export interface TakesResult {
  asset: ResolvedAsset;
  specHash: string;
  takes: TakeRow[];
}

export async function takes(options: TakesOptions): Promise<TakesResult> {
  const loaded = await loadSelected({ ...options, only: [] });
  const known: KnownTakes = await readTakes(loaded.project, await loaded.openStore(), options.id);
  return { asset: known.asset, specHash: known.specHash, takes: known.rows };
}
