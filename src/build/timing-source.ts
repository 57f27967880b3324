/**
 * Where the timing data for an asset's sidecars comes from, cheapest and truest first: the task's
 * own result (just generated), the content cache (kept beside the audio under the spec hash), a
 * `.timings.json` kieaudio wrote beside an output of the same spec and that is still as written
 * (the cache was pruned, or this is a fresh clone with committed outputs), and, failing all of
 * them, none: the audio's length alone, measured from the file. Never an API call.
 */
import { readFile } from 'node:fs/promises';
import { mp3DurationSeconds } from '../audio/duration.js';
import type { TaskInfo } from '../kie/client.js';
import { cacheKeyOf, type PlannedAsset } from '../plan/decide.js';
import { readCachedTimings } from '../store/cache-timings.js';
import { outputPath } from '../store/project-store.js';
import { sha256Hex } from '../store/sha256.js';
import { takeKey } from '../store/takes.js';
import { findTimings, unrecognisedRaw } from '../timings/find-timings.js';
import { parseTimingsDoc, TIMINGS_DOC_VERSION, type TimingsDoc } from '../timings/timings-doc.js';
import type { BuildContext } from './context.js';

export type TimingOrigin = 'result' | 'cache' | 'output' | 'none';

export interface TimingSource {
  doc: TimingsDoc;
  origin: TimingOrigin;
}

/** The timing data of a result just downloaded to `audioPath`; words are empty when the API sent none. */
export async function resultTimings(item: PlannedAsset, info: TaskInfo, audioPath: string): Promise<TimingsDoc> {
  const found = findTimings(info.resultJson);
  const words = found?.words ?? [];
  const duration = (await measureDuration(audioPath)) ?? words.at(-1)?.end ?? 0;
  // timing data in a shape not recognised is kept whole: paid for, and gone from kie.ai in 14 days
  const raw = found === undefined ? unrecognisedRaw(info.resultJson) : found.raw;
  return { v: TIMINGS_DOC_VERSION, text: String(item.asset.input.text ?? ''), duration, words, raw };
}

/**
 * The timing data for the item's sidecars when no fresh result brings it: always that of the audio
 * installed at `out` (`contentHash`, as the lock now records it), which is not the spec's newest
 * take when an earlier one is pinned or adopted.
 */
export async function localTimings(ctx: BuildContext, item: PlannedAsset, contentHash: string): Promise<TimingSource> {
  const cached = await cachedTimingsOf(ctx, item, contentHash);
  if (cached !== undefined) return { doc: cached, origin: 'cache' };
  const beside = await timingsBesideOutputs(ctx, item, contentHash);
  if (beside !== undefined) return { doc: beside, origin: 'output' };
  const duration = (await measureDuration(outputPath(ctx.project, item.asset.out))) ?? 0;
  return { doc: { v: TIMINGS_DOC_VERSION, text: String(item.asset.input.text ?? ''), duration, words: [], raw: null }, origin: 'none' };
}

/**
 * The timing data the cache keeps beside the entry whose audio is `contentHash`: the entry the plan
 * restored from, the spec's main entry, or the take of the spec that holds that audio.
 */
async function cachedTimingsOf(ctx: BuildContext, item: PlannedAsset, contentHash: string): Promise<TimingsDoc | undefined> {
  const { cache, takes } = ctx.store;
  const read = async (key: string) => ((await cache.lookup(key))?.contentHash === contentHash ? readCachedTimings(cache, key) : undefined);
  for (const key of new Set([cacheKeyOf(item), item.specHash])) {
    const doc = await read(key);
    if (doc !== undefined) return doc;
  }
  // the common case never gets here: the take index is read only for an earlier take at `out`
  const take = (await takes.list(item.specHash)).find((t) => t.contentHash === contentHash);
  return take === undefined ? undefined : read(takeKey(item.specHash, take.n));
}

/**
 * A `.timings.json` recorded in the lock for an output of this spec and audio, still holding what
 * kieaudio wrote: the asset's own first (the common case, found at once), then any other output's.
 */
async function timingsBesideOutputs(ctx: BuildContext, item: PlannedAsset, contentHash: string): Promise<TimingsDoc | undefined> {
  const assets = ctx.lockWriter.lock.assets;
  const own = assets[item.asset.out];
  for (const entry of own === undefined ? Object.values(assets) : [own, ...Object.values(assets)]) {
    if (entry.specHash !== item.specHash || entry.contentHash !== contentHash || (entry.placeholder && !ctx.offline)) continue;
    for (const [out, hash] of Object.entries(entry.sidecars ?? {})) {
      if (!out.endsWith('.timings.json')) continue;
      const text = await readFile(outputPath(ctx.project, out), 'utf8').catch(() => undefined);
      if (text === undefined || sha256Hex(text) !== hash) continue;
      const doc = parseTimingsDoc(text);
      if (doc !== undefined) return doc;
    }
  }
  return undefined;
}

/** The audio's length in whole milliseconds, rounded down (every time stated stays inside the audio). */
async function measureDuration(path: string): Promise<number | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  const seconds = bytes === undefined ? undefined : mp3DurationSeconds(bytes);
  return seconds === undefined ? undefined : Math.floor(seconds * 1000) / 1000;
}
