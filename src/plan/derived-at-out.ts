/**
 * A processed asset's file at `out` that the lock does not record may still be kieaudio's: the
 * derived output of its raw take by its chain, installed by a build that was killed before it
 * wrote the lock. Found in the derived cache (store/derived-key.ts), it is adopted, not taken for
 * a hand edit.
 */
import type { ResolvedAsset } from '../project.js';
import type { CacheRecord, ContentCache } from '../store/content-cache.js';
import { derivedKey } from '../store/derived-key.js';
import type { LockPost } from '../store/lock-file.js';
import type { OutputState } from '../store/stat-index.js';

/** What the plan adopts: the derived output at `out`, and the lock's `post` for it. */
export interface DerivedAtOut {
  contentHash: string;
  size: number;
  post: LockPost;
}

export async function derivedAtOut(
  derived: ContentCache,
  asset: ResolvedAsset,
  raw: CacheRecord | undefined,
  output: OutputState,
  ffmpeg: string | undefined,
): Promise<DerivedAtOut | undefined> {
  const chain = asset.post;
  if (chain === undefined || raw === undefined || ffmpeg === undefined || !output.exists || output.contentHash === undefined)
    return undefined;
  const record = await derived.lookup(derivedKey(raw.contentHash, chain, ffmpeg));
  if (record?.post === undefined || record.contentHash !== output.contentHash || record.post.raw !== raw.contentHash) return undefined;
  return { contentHash: record.contentHash, size: record.size, post: { chain: { ...chain }, ffmpeg, ...record.post } };
}
