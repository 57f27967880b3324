/**
 * `clean --cache` for derived outputs (`<cacheDir>/derived`, build/process.ts): an entry stays
 * while a lock entry that stays records it (its raw take, chain and ffmpeg name its key); the
 * others — outputs of earlier targets, of raw takes no longer used — go. Each can be derived
 * again from its raw take, with no API call.
 */

import { rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { derivedKey } from '../store/derived-key.js';
import type { ProjectStore } from '../store/project-store.js';

/** Removes (with `dryRun`, counts) the unused derived outputs; returns how many. */
export async function pruneDerived(store: ProjectStore, removedOuts: readonly string[], dryRun: boolean): Promise<number> {
  const used = new Set<string>();
  for (const [out, entry] of Object.entries(store.lock.assets)) {
    if (entry.post === undefined || removedOuts.includes(out)) continue;
    used.add(derivedKey(entry.post.raw, entry.post.chain, entry.post.ffmpeg));
  }
  // scene files (build/scene-file.ts) are kept by their own records
  for (const [out, scene] of Object.entries(store.lock.scenes ?? {})) if (!removedOuts.includes(out)) used.add(scene.key);
  let removed = 0;
  const shards = new Set<string>();
  for (const key of await store.derived.list()) {
    if (used.has(key)) continue;
    removed++;
    if (dryRun) continue;
    await store.derived.remove(key);
    shards.add(dirname(store.derived.dataPath(key)));
  }
  for (const shard of shards) await rmdir(shard).catch(() => undefined);
  return removed;
}
