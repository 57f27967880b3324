/**
 * The takes of one asset's current spec, as `kieaudio takes` lists them and `pin` numbers them:
 * those the take index records, then a result the cache holds that it does not (a cache from before
 * takes were recorded), then the lock's result for this spec when neither has it (a fresh clone,
 * an --offline placeholder). A take whose audio is gone is still listed, marked missing. Pure.
 */
import type { CacheRecord } from '../store/content-cache.js';
import { type LockEntry, rawHashOf } from '../store/lock-file.js';
import { type Take, takeOfLockEntry, takeOfRecord } from '../store/takes.js';

export interface TakeRow extends Take {
  /** installed at `out` now */
  current: boolean;
  /** pinned in the lock */
  pinned: boolean;
  /** its audio is neither in the cache nor, for a placeholder, anywhere kieaudio keeps it */
  missing: boolean;
}

/** Every take of `specHash` known locally, numbered, oldest first. */
export function knownTakes(
  recorded: readonly Take[],
  main: CacheRecord | undefined,
  entry: LockEntry | undefined,
  specHash: string,
): Take[] {
  const takes = [...recorded];
  const add = (take: Omit<Take, 'n'>) => {
    if (takes.some((t) => t.contentHash === take.contentHash)) return;
    takes.push({ n: takes.reduce((max, t) => Math.max(max, t.n), 0) + 1, ...take });
  };
  if (main) add(takeOfRecord(main));
  // a processed output is not a take: its raw take is one of the others, or not kept here
  if (entry && entry.specHash === specHash && entry.post === undefined) {
    add(takeOfLockEntry(entry));
  }
  return takes;
}

/** The rows `takes` prints: which take is at `out` (`outHash`: a processed output's raw take), which is pinned, which are gone. */
export function takeRows(
  takes: readonly Take[],
  facts: { entry: LockEntry | undefined; specHash: string; outHash: string | undefined; present: ReadonlySet<number> },
): TakeRow[] {
  const { entry, specHash, outHash, present } = facts;
  const pinned = entry?.specHash === specHash ? entry.pinned : undefined;
  return takes.map((t) => ({
    ...t,
    current: outHash !== undefined && t.contentHash === outHash,
    pinned: pinned !== undefined && entry !== undefined && rawHashOf(entry) === t.contentHash,
    missing: t.placeholder !== true && !present.has(t.n),
  }));
}
