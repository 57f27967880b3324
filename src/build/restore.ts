/**
 * The free path: putting results kieaudio already has at `out` — from the cache, from another
 * output made from the same spec, or from an asset generated earlier in this build — and
 * recording them in the lock. Nothing here calls the API.
 */
import { dirname } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import pLimit from 'p-limit';
import { KieaudioError } from '../errors.js';
import { cacheKeyOf, type PlannedAsset } from '../plan/decide.js';
import { samePostChain } from '../plan/post-change.js';
import { keepTimingsFile } from '../store/cache-timings.js';
import type { CacheRecord } from '../store/content-cache.js';
import { copyVerified } from '../store/copy-verified.js';
import { outputPath } from '../store/project-store.js';
import { taskFieldsOf } from '../store/task-fields.js';
import { recordedTimings } from '../timings/sidecar-paths.js';
import type { BuildContext } from './context.js';
import { installSidecarsOf } from './install-sidecars.js';
import { failedEvent, lockEntry } from './records.js';

/** Local copies at once: enough to keep a disk busy, few enough to stay clear of file limits. */
const RESTORE_CONCURRENCY = 32;
/** Where libuv's copyfile keeps the source's times (copyfile(3) with COPYFILE_ALL, CopyFileW). */
const COPIES_KEEP_MTIME = process.platform === 'darwin' || process.platform === 'win32';
/** The longest the synchronous restore pass holds the event loop. */
const YIELD_EVERY_MS = 20;

/** Reports `item`'s failure (the tally counts it). */
export function recordFailure(ctx: BuildContext, item: PlannedAsset, error: unknown): void {
  ctx.emit(failedEvent(item, error));
}

/** The actions done here, from the cache or the disk: no API call. */
const LOCAL_WORK: ReadonlySet<string> = new Set(['restore', 'adopt', 'sidecars']);

/** Adopts and restores every item that needs no generation; `pending` ones wait for theirs. */
export async function restoreAll(ctx: BuildContext, planned: readonly PlannedAsset[]): Promise<void> {
  // a no-op build of thousands of assets queues nothing here
  const items = planned.filter((item) => LOCAL_WORK.has(item.action.type));
  if (items.length === 0) return;
  await importOutputSources(ctx, items);
  const rest = await restoreVouched(ctx, items);
  const io = pLimit(RESTORE_CONCURRENCY);
  await Promise.all(
    rest.map((item) =>
      io(async () => {
        if (ctx.signal.aborted) return;
        try {
          const from = restoreSource(item);
          if (item.action.type === 'adopt') await adopt(ctx, item, item.action.contentHash, item.action.size);
          else if (item.action.type === 'sidecars') await installSidecarsOf(ctx, item, undefined, true);
          else if (from !== undefined) await restoreFromCache(ctx, item, from);
        } catch (error) {
          if (!ctx.signal.aborted) recordFailure(ctx, item, error);
        }
      }),
    ),
  );
}

/** Where a restore copies from, as events name it: "cache", or the output it was imported from. */
function restoreSource(item: PlannedAsset): string | undefined {
  if (item.action.type !== 'restore') return undefined;
  const source = item.action.source;
  return source.kind === 'cache' ? 'cache' : source.kind === 'output' ? source.out : undefined;
}

/**
 * The common case in one synchronous pass: restores whose cache entries the cache's own stat data
 * vouches for. The kernel copies and renames each file in tens of microseconds, and a promise
 * chain per file cost about as much again (bench/restore.ts). Anything else — an entry to verify
 * by hash, a folder that failed its check — is returned for the general path, which also reports
 * it. Yields to the event loop every few milliseconds, so Ctrl-C and progress are not held up.
 */
async function restoreVouched(ctx: BuildContext, items: readonly PlannedAsset[]): Promise<PlannedAsset[]> {
  const planned = new Map<PlannedAsset, { dest: string; from: string }>();
  const folders = new Map<string, string>();
  for (const item of items) {
    const from = restoreSource(item);
    if (from === undefined) continue;
    const dest = outputPath(ctx.project, item.asset.out);
    planned.set(item, { dest, from });
    folders.set(dirname(dest), dest);
  }
  if (planned.size === 0) return [...items];
  const io = pLimit(RESTORE_CONCURRENCY);
  await Promise.all([...folders.values()].map((dest) => io(() => ctx.outFolders.prepare(dest).catch(() => undefined))));

  const rest: PlannedAsset[] = [];
  const withSidecars: PlannedAsset[] = [];
  let lastYield = performance.now();
  for (const item of items) {
    if (ctx.signal.aborted) return [];
    const restore = planned.get(item);
    if (restore === undefined || item.asset.post !== undefined || !ctx.outFolders.isReady(restore.dest)) {
      rest.push(item);
      continue;
    }
    try {
      // Records were looked up while gathering; one that was not is left to the general path.
      const record = ctx.store.cache.copyVouchedSync(cacheKeyOf(item), restore.dest);
      if (record === undefined) {
        rest.push(item);
        continue;
      }
      restored(ctx, item, record, restore.from, restore.dest);
      if (item.sidecars !== undefined) withSidecars.push(item);
    } catch (error) {
      // a folder deleted since it was prepared is made again by the general path
      if (isMissing(error)) rest.push(item);
      else recordFailure(ctx, item, error);
    }
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await setImmediate();
      lastYield = performance.now();
    }
  }
  // sidecars need their timing data read: after the fast pass, like the general path's
  await Promise.all(withSidecars.map((item) => io(() => installSidecarsOf(ctx, item).catch((error) => recordFailure(ctx, item, error)))));
  return rest;
}

/**
 * Outputs that other assets copy from go into the cache first. Without this, moving outputs in a
 * circle (a → b, b → c, c → a) with an empty cache would overwrite a source before it was copied,
 * losing a paid result.
 */
async function importOutputSources(ctx: BuildContext, items: readonly PlannedAsset[]): Promise<void> {
  const sources = new Map<string, { out: string; contentHash: string }>();
  for (const item of items) {
    if (item.action.type === 'restore' && item.action.source.kind === 'output') sources.set(item.specHash, item.action.source);
  }
  for (const [specHash, source] of sources) {
    if (await ctx.store.cache.lookup(specHash)) continue;
    const entry = ctx.lockWriter.lock.assets[source.out];
    const size = await copyVerified(
      outputPath(ctx.project, source.out),
      ctx.store.cache.dataPath(specHash),
      source.contentHash,
      ctx.signal,
    );
    // A source edited since the plan was made is not imported; its copies fail below and are
    // planned again (as generations) by the next build.
    if (size === undefined) continue;
    // its timing data too, so that the entry brings its sidecars wherever it is restored
    const timings = recordedTimings(entry?.sidecars);
    if (timings) await keepTimingsFile(ctx.store.cache, specHash, outputPath(ctx.project, timings.out), timings.contentHash);
    await ctx.store.cache.commit(specHash, { contentHash: source.contentHash, size, model: entry?.model ?? '', ...taskFieldsOf(entry) });
  }
}

async function adopt(ctx: BuildContext, item: PlannedAsset, contentHash: string, size: number): Promise<void> {
  const record = await ctx.store.cache.lookup(cacheKeyOf(item));
  const post = item.action.type === 'adopt' ? item.action.post : undefined;
  ctx.lockWriter.set(item.asset.out, lockEntry(item, { contentHash, size, ...taskFieldsOf(record), post }));
  ctx.emit({ type: 'adopted', asset: item.asset.id, out: item.asset.out });
  await installSidecarsOf(ctx, item);
}

export async function restoreFromCache(ctx: BuildContext, item: PlannedAsset, from = 'cache'): Promise<void> {
  const { asset } = item;
  const dest = outputPath(ctx.project, asset.out);
  await ctx.outFolders.prepare(dest);
  const key = cacheKeyOf(item);
  const record = await ctx.store.cache.lookup(key);
  if (record !== undefined && asset.post !== undefined) {
    const bytes = await installDerived(ctx, item, key, record, dest);
    ctx.emit({ type: 'restored', asset: asset.id, out: asset.out, from, bytes });
  } else if (!record || !(await copyFromCache(ctx, key, dest))) {
    throw new KieaudioError('E_IO', 'the cached result was missing or damaged (it has been dropped); the next build generates it again');
  } else {
    restored(ctx, item, record, from, dest);
  }
  await installSidecarsOf(ctx, item);
}

/** `out` derived from the cache entry `key` (its raw take) by the asset's chain, and recorded in the lock; resolves to its size. */
export async function installDerived(
  ctx: BuildContext,
  item: PlannedAsset,
  key: string,
  record: CacheRecord,
  dest: string,
  /** what the raw take's task cost, when it was just paid for (install-result.ts) */
  credits?: number,
): Promise<number> {
  const raw = { path: ctx.store.cache.dataPath(key), contentHash: record.contentHash, taskId: record.taskId };
  // ffmpeg's modules load only in builds that process (a no-op build of a project without post: never does)
  const { deriveOutput } = await import('./process.js');
  const derived = await deriveOutput(ctx, item, raw, dest);
  ctx.store.statIndex.forget(item.asset.out);
  ctx.lockWriter.set(item.asset.out, lockEntry(item, { ...derived, ...taskFieldsOf(record), credits }));
  return derived.size;
}

/**
 * The cache's copyTo, tried once more if `dest`'s folder has gone since it was prepared: someone
 * cleared the output folder while a long build ran. Folders are made when first prepared only.
 */
export async function copyFromCache(
  ctx: Pick<BuildContext, 'store' | 'outFolders' | 'signal'>,
  specHash: string,
  dest: string,
): Promise<boolean> {
  try {
    return await ctx.store.cache.copyTo(specHash, dest, ctx.signal);
  } catch (error) {
    if (!isMissing(error)) throw error;
    await ctx.outFolders.prepare(dest, true);
    return ctx.store.cache.copyTo(specHash, dest, ctx.signal);
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Records a restore whose file is in place. */
function restored(ctx: BuildContext, item: PlannedAsset, record: CacheRecord, from: string, dest: string): void {
  const { asset } = item;
  // Linux copies get a new mtime, which no stat data can vouch for yet: skip the lstat there.
  if (COPIES_KEEP_MTIME) ctx.store.statIndex.copied(asset.out, dest, record.contentHash);
  else ctx.store.statIndex.forget(asset.out);
  ctx.lockWriter.set(asset.out, lockEntry(item, { contentHash: record.contentHash, size: record.size, ...taskFieldsOf(record) }));
  ctx.emit({ type: 'restored', asset: asset.id, out: asset.out, from, bytes: record.size });
}

/** For `--offline` placeholders, which never enter the cache: a verified copy of the leader. */
export async function copyPlaceholder(ctx: BuildContext, item: PlannedAsset, leaderOut: string): Promise<void> {
  const { asset } = item;
  const leader = ctx.lockWriter.lock.assets[leaderOut];
  if (!leader) throw new KieaudioError('E_IO', `${leaderOut} was not recorded`);
  const dest = outputPath(ctx.project, asset.out);
  await ctx.outFolders.prepare(dest);
  const size = await copyVerified(outputPath(ctx.project, leaderOut), dest, leader.contentHash, ctx.signal, false);
  if (size === undefined) throw new KieaudioError('E_IO', `${leaderOut} changed while it was copied`);
  ctx.store.statIndex.forget(asset.out);
  // the leader's processed placeholder: the same chain's, or the next offline build derives this one's own
  const post = leader.post !== undefined && samePostChain(leader.post, asset.post) ? leader.post : undefined;
  ctx.lockWriter.set(asset.out, lockEntry(item, { contentHash: leader.contentHash, size, taskId: leader.taskId, placeholder: true, post }));
  ctx.emit({ type: 'restored', asset: asset.id, out: asset.out, from: leaderOut, bytes: size });
  await installSidecarsOf(ctx, item);
}
