/**
 * Post-processing one asset: its output derived from its raw take (the API's result, cached by
 * spec hash as ever) by its `post:` chain. Derived outputs are cached too, in `<cacheDir>/derived`,
 * keyed by the raw take's content, the chain, the ffmpeg build and POST_VERSION: a hit is a copy,
 * no ffmpeg run. Otherwise ffmpeg measures, processes into a temp file, measures what it wrote and
 * corrects once if that is more than 0.5 LU off; the result is committed to the cache, then copied
 * to `out` atomically. A failure or an abort removes the temp file: the raw take stays cached and
 * `out` is left as it was.
 */
import { rename, rm } from 'node:fs/promises';
import { KieaudioError, messageOf } from '../errors.js';
import type { LoudnessMeasurement } from '../ffmpeg/loudness.js';
import { measureLoudness } from '../ffmpeg/loudness.js';
import { correctiveGainDb, firstPassFilters, needsFirstPass, postProcessArgs } from '../ffmpeg/post-args.js';
import type { ResolvedPostChain, TrimSettings } from '../ffmpeg/post-chain.js';
import type { FfmpegRunner } from '../ffmpeg/run.js';
import { detectSilence } from '../ffmpeg/silence.js';
import type { PlannedAsset } from '../plan/decide.js';
import { releaseTemp, tempPathFor } from '../store/atomic-write.js';
import { derivedKey } from '../store/derived-key.js';
import type { LockPost } from '../store/lock-file.js';
import { hashFile } from '../store/sha256.js';
import type { BuildContext } from './context.js';
import { postTools } from './post-tools.js';

/** The raw take an output is derived from. */
export interface RawTake {
  path: string;
  contentHash: string;
  /** named in messages: a raw take ffmpeg cannot decode is reported with its task */
  taskId?: string | undefined;
}

export interface DerivedOutput {
  contentHash: string;
  size: number;
  post: LockPost;
}

/**
 * Derives `item`'s output from `raw` and installs it at `dest` (whose folder exists). `cache`:
 * false for --offline placeholders, which are processed but never cached; `trim`: false for
 * silent ones.
 */
export async function deriveOutput(
  ctx: BuildContext,
  item: PlannedAsset,
  raw: RawTake,
  dest: string,
  { cache, trim }: { cache: boolean; trim: boolean } = { cache: true, trim: true },
): Promise<DerivedOutput> {
  const chain = item.asset.post;
  if (chain === undefined) throw new Error(`${item.asset.out} has no post-processing chain`);
  const tools = await postTools(ctx);
  const key = derivedKey(raw.contentHash, chain, tools.ffmpeg);
  const store = ctx.store.derived;
  const lockPost = (made: DerivedRecord): LockPost => ({ chain: { ...chain }, ffmpeg: tools.ffmpeg, ...made });
  if (cache) {
    const hit = await store.lookup(key);
    // an entry made for an asset without timing data lacks what trimming removed: made again, with it
    const complete = hit?.post !== undefined && (hit.post.trimmedStart !== undefined || !needsLeadTrimmed(item, chain));
    if (hit?.post !== undefined && complete && hit.post.raw === raw.contentHash && (await store.copyTo(key, dest, ctx.signal))) {
      emitProcessed(ctx, item, 'derived-cache', hit.post.measured, hit.size);
      return { contentHash: hit.contentHash, size: hit.size, post: lockPost(hit.post) };
    }
    await ctx.cacheFolders.prepare(store.dataPath(key));
  }
  const temp = tempPathFor(cache ? store.dataPath(key) : dest);
  try {
    // silence (a silent placeholder) trimmed would be nothing (and loudness measures null, so it is left as it is)
    const made = await processRaw(ctx, item, trim ? chain : withoutTrim(chain), raw, temp);
    const { sha256, size } = await hashFile(temp, ctx.signal);
    if (cache) {
      await rename(temp, store.dataPath(key));
      await store.commit(key, { contentHash: sha256, size, model: item.asset.model, post: made });
      if (!(await store.copyTo(key, dest, ctx.signal)))
        throw new KieaudioError('E_IO', `the derived output of ${item.asset.out} was damaged right after it was written`);
    } else {
      await rename(temp, dest);
    }
    emitProcessed(ctx, item, 'ffmpeg', made.measured, size);
    return { contentHash: sha256, size, post: lockPost(made) };
  } catch (error) {
    await rm(temp, { force: true });
    throw ctx.signal.aborted ? error : processingError(item, raw, error);
  } finally {
    releaseTemp(temp);
  }
}

/** Whether the asset has timing data that what trimming removes must move (sidecars). */
function needsLeadTrimmed(item: PlannedAsset, chain: ResolvedPostChain): boolean {
  return chain.trim !== undefined && item.asset.input.timestamps === true;
}

/** What the derived cache records of an output beside its data, and the lock beside the chain. */
type DerivedRecord = Pick<LockPost, 'raw' | 'measured' | 'trimmedStart'>;

/** The raw take, checked against its record, processed into `output`; with what trimming removed when the asset has timing data. */
async function processRaw(
  ctx: BuildContext,
  item: PlannedAsset,
  chain: ResolvedPostChain,
  raw: RawTake,
  output: string,
): Promise<DerivedRecord> {
  const { runner } = await postTools(ctx);
  // a raw take that is not what its record says is never processed (nor trusted)
  if ((await hashFile(raw.path, ctx.signal)).sha256 !== raw.contentHash) {
    const fix = 'remove the cache entry (kieaudio clean --cache) to fetch it again';
    throw new KieaudioError('E_IO', `its cached raw take does not match its record; ${fix}`);
  }
  const measured = await processInto(runner, chain, raw, output, ctx.signal);
  if (chain.trim === undefined || !needsLeadTrimmed(item, chain)) return { raw: raw.contentHash, measured };
  return { raw: raw.contentHash, measured, trimmedStart: await leadTrimmed(runner, chain.trim, raw.path, ctx.signal) };
}

/**
 * An --offline placeholder at `raw` (a temp file, removed here) processed into `dest`: never cached.
 * A silent one (ffmpeg could not make it audible: audible-placeholder.ts) is not trimmed, which would leave nothing.
 */
export async function placeholderDerived(
  ctx: BuildContext,
  item: PlannedAsset,
  raw: RawTake,
  dest: string,
  audible: boolean,
): Promise<DerivedOutput> {
  try {
    return await deriveOutput(ctx, item, raw, dest, { cache: false, trim: audible });
  } finally {
    await rm(raw.path, { force: true });
    releaseTemp(raw.path);
  }
}

function withoutTrim(chain: ResolvedPostChain): ResolvedPostChain {
  const { trim: _, ...rest } = chain;
  return rest;
}

/** Measure, process, measure what was written, and correct once when it is off target. */
async function processInto(
  runner: FfmpegRunner,
  chain: ResolvedPostChain,
  raw: RawTake,
  output: string,
  signal: AbortSignal,
): Promise<LockPost['measured']> {
  const first = needsFirstPass(chain) ? await measureLoudness(runner, raw.path, { filters: firstPassFilters(chain), signal }) : undefined;
  await runner.run(postProcessArgs(chain, raw.path, output, first), { signal });
  let measured = await measureLoudness(runner, output, { signal });
  const gain = correctiveGainDb(chain, measured);
  if (gain !== 0) {
    await runner.run(postProcessArgs(chain, raw.path, output, first, gain), { signal });
    measured = await measureLoudness(runner, output, { signal });
  }
  return rounded(measured);
}

/**
 * What trimming removed from the start, seconds: the raw take's leading silence beyond the pad
 * (silenceremove keeps at most the pad), measured at the chain's threshold. Timing data moves by it.
 */
async function leadTrimmed(runner: FfmpegRunner, trim: TrimSettings, raw: string, signal: AbortSignal): Promise<number> {
  const silence = await detectSilence(runner, raw, { thresholdDb: trim.thresholdDb, minSeconds: 0.001, signal });
  return Number(Math.max(0, silence.leadingSeconds - trim.padMs / 1000).toFixed(3));
}

/** What the lock records: 0.01 LU and dB, 1 ms, so that the lock is the same for the same file. */
function rounded(m: LoudnessMeasurement): LockPost['measured'] {
  const round = (value: number, places: number) => Number(value.toFixed(places));
  return {
    loudness: m.integratedLufs === null ? null : round(m.integratedLufs, 2),
    truePeak: m.truePeakDbtp === null || !Number.isFinite(m.truePeakDbtp) ? null : round(m.truePeakDbtp, 2),
    duration: round(m.durationSeconds, 3),
  };
}

function emitProcessed(ctx: BuildContext, item: PlannedAsset, from: 'ffmpeg' | 'derived-cache', m: LockPost['measured'], bytes: number) {
  const { asset } = item;
  ctx.emit({
    type: 'processed',
    asset: asset.id,
    out: asset.out,
    from,
    loudness: m.loudness,
    truePeak: m.truePeak,
    durationSeconds: m.duration,
    bytes,
  });
}

function processingError(item: PlannedAsset, raw: RawTake, error: unknown): KieaudioError {
  const task = raw.taskId === undefined ? '' : ` (raw take of task ${raw.taskId})`;
  const code = error instanceof KieaudioError ? error.code : 'E_FFMPEG_FAILED';
  return new KieaudioError(code, `post-processing ${item.asset.out} failed${task}, left as it was: ${messageOf(error)}`, { cause: error });
}
