/**
 * A finished task's result, installed: downloaded into the cache (it is paid for, and the cache
 * is what a deleted output, a moved asset or a reverted spec is restored from) as a new take of
 * its spec (the take it replaces there is kept: store/takes.ts), then copied to `out` and
 * recorded in the lock. An --offline placeholder goes straight to `out`: it never
 * enters the cache.
 */
import { ApiError, KieaudioError, messageOf } from '../errors.js';
import type { TaskInfo } from '../kie/client.js';
import { isRetryableError, withRetry } from '../kie/retry.js';
import type { PlannedAsset } from '../plan/decide.js';
import { tempPathFor } from '../store/atomic-write.js';
import { writeCachedTimings } from '../store/cache-timings.js';
import { failpoint } from '../store/failpoint.js';
import { outputPath } from '../store/project-store.js';
import type { InstalledResult } from '../store/takes.js';
import { recordedTimings } from '../timings/sidecar-paths.js';
import type { TimingsDoc } from '../timings/timings-doc.js';
import { downloadResult } from './download-result.js';
import type { GenerateContext } from './generate-context.js';
import { lockEntry } from './records.js';
import { copyFromCache, installDerived } from './restore.js';
import { resultTimings } from './timing-source.js';

/**
 * Downloads, caches and installs `taskId`'s result; resolves to its size in bytes, and for a line
 * that asked for timestamps its timing data (kept in the cache beside the audio). The lock and the
 * cache record which API made the task and when (`generatedAt`, unknown for an old lock's task), so
 * that a result lost locally can be fetched from that API again while kie.ai keeps it.
 */
export async function installResult(
  ctx: GenerateContext,
  item: PlannedAsset,
  taskId: string,
  info: TaskInfo,
  generatedAt: string | undefined,
): Promise<{ bytes: number; timings?: TimingsDoc }> {
  const { asset } = item;
  const url = info.resultUrls[0];
  if (url === undefined) throw new ApiError('E_API_PROTOCOL', `task ${taskId} succeeded without a result URL`, { retryable: false });
  const dest = outputPath(ctx.project, asset.out);
  // Both folders were checked (and made) before the task was created. An offline result goes
  // straight to `out`, whose folder is checked again in case it was deleted since; a paid one goes
  // through the cache, and copyFromCache deals with that.
  if (ctx.offline) await ctx.outFolders.prepare(dest, true);
  // The take the cache holds for this spec (an earlier --regenerate's, or the newer take a pinned
  // one recovered from the API replaces) is kept, not overwritten: store/takes.ts.
  else await ctx.store.takes.keepCurrent(item.specHash, installedAt(ctx, item, dest));
  const target = ctx.offline ? (asset.post === undefined ? dest : tempPathFor(dest)) : ctx.store.cache.dataPath(item.specHash);
  const downloaded = await download(ctx, item, url, target);
  // a placeholder becomes a test signal where ffmpeg can make one (and stays silent where not)
  const audible = ctx.offline ? await (await import('./audible-placeholder.js')).makePlaceholderAudible(ctx, item, target) : undefined;
  const { bytes, sha256 } = audible ?? downloaded;
  const timings = asset.input.timestamps === true ? await resultTimings(item, info, target) : undefined;
  // a placeholder is processed like a real take (so that chains can be tried without a key), never cached
  const derived =
    ctx.offline && asset.post !== undefined
      ? await (await import('./process.js')).placeholderDerived(
          ctx,
          item,
          { path: target, contentHash: sha256 },
          dest,
          audible !== undefined,
        )
      : undefined;

  // placeholders are never fetched again: their task lived in this process's simulator
  const task = ctx.offline ? { taskId } : { taskId, baseUrl: ctx.baseUrl, ...(generatedAt === undefined ? {} : { generatedAt }) };
  if (!ctx.offline && (await installPaid(ctx, item, { sha256, bytes, timings, task }, info.creditsConsumed)) === 'derived') {
    return timings === undefined ? { bytes } : { bytes, timings };
  }
  failpoint('after-install');
  ctx.store.statIndex.forget(asset.out);
  const content = derived ?? { contentHash: sha256, size: bytes };
  // what the task cost is the model's price for budgets to learn from (plan/estimate.ts); a placeholder's is no price
  const paid = ctx.offline ? undefined : info.creditsConsumed;
  ctx.lockWriter.set(asset.out, lockEntry(item, { ...content, ...task, credits: paid, placeholder: ctx.offline }));
  return timings === undefined ? { bytes } : { bytes, timings };
}

/**
 * A paid result: its timing data and the take into the cache, then to `out` — derived through its
 * chain (which also writes its lock entry: 'derived'), or copied as it is ('copied').
 */
async function installPaid(
  ctx: GenerateContext,
  item: PlannedAsset,
  take: {
    sha256: string;
    bytes: number;
    timings: TimingsDoc | undefined;
    task: { taskId: string; baseUrl?: string; generatedAt?: string };
  },
  credits: number | undefined,
): Promise<'derived' | 'copied'> {
  const { asset } = item;
  const { sha256, bytes, timings, task } = take;
  const dest = outputPath(ctx.project, asset.out);
  if (timings !== undefined) await writeCachedTimings(ctx.store.cache, item.specHash, timings);
  await ctx.store.cache.commit(item.specHash, { contentHash: sha256, size: bytes, model: asset.model, ...task });
  await ctx.store.takes.record(item.specHash, { contentHash: sha256, size: bytes, ...task, ...(credits === undefined ? {} : { credits }) });
  failpoint('after-cache');
  if (asset.post !== undefined) {
    // the raw take is paid for and cached: what fails from here on is processing, not the payment
    const record = await ctx.store.cache.lookup(item.specHash);
    if (record === undefined) throw new KieaudioError('E_IO', `the cache entry for ${asset.out} was damaged right after it was written`);
    await ctx.outFolders.prepare(dest);
    await installDerived(ctx, item, item.specHash, record, dest, credits);
    failpoint('after-install');
    return 'derived';
  }
  if (!(await copyFromCache(ctx, item.specHash, dest))) {
    throw new KieaudioError('E_IO', `the cache entry for ${asset.out} was damaged right after it was written`);
  }
  return 'copied';
}

/** What is installed at `out` now, as the lock records it: kept as a take when the cache has none (a fresh clone). */
function installedAt(ctx: GenerateContext, item: PlannedAsset, dest: string): InstalledResult {
  const entry = ctx.lockWriter.lock.assets[item.asset.out];
  const timings = recordedTimings(entry?.sidecars);
  const kept = timings === undefined ? undefined : { file: outputPath(ctx.project, timings.out), contentHash: timings.contentHash };
  return { file: dest, entry, signal: ctx.signal, ...(kept === undefined ? {} : { timings: kept }) };
}

function download(ctx: GenerateContext, item: PlannedAsset, url: string, target: string) {
  const { asset } = item;
  const attempt = async () => {
    ctx.breaker.check(); // the API looks down: the task stays journalled for the next build
    try {
      const result = await downloadResult({ client: ctx.client, url, dest: target, format: asset.format, signal: ctx.signal });
      ctx.breaker.note('download');
      return result;
    } catch (error) {
      ctx.breaker.note('download', error);
      throw error;
    }
  };
  return withRetry(attempt, {
    signal: ctx.signal,
    retries: ctx.retry.attempts,
    baseMs: ctx.retry.baseMs,
    maxMs: ctx.retry.maxMs,
    // A 404 right after success is usually a CDN that has not caught up; an expired result
    // (a resumed old task) 404s every time and is regenerated by the caller after these.
    isRetryable: (e) => isRetryableError(e) || isGone(e),
    onRetry: (e, attempt, delayMs) =>
      ctx.emit({
        type: 'retry',
        operation: 'download',
        asset: asset.id,
        out: asset.out,
        code: e instanceof KieaudioError ? e.code : 'E_DOWNLOAD',
        message: messageOf(e),
        attempt: attempt + 1,
        delayMs,
      }),
  });
}

/** The task or its result no longer exists on the server. */
export function isGone(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.recordMissing) return true;
  return error.code === 'E_DOWNLOAD' && (error.status === 404 || error.status === 410);
}
