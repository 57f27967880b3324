/**
 * One asset's paid path: create a task (or resume one from the journal), wait for it, download
 * the result into the cache, install it at `out`. The task id is journalled before any waiting,
 * so an interruption at any point never leads to paying for the same spec twice.
 */
import { ApiError, KieaudioError, abortError } from './errors.js';
import type { BuildEvent } from './events.js';
import { outputPath, type ProjectStore } from './gather.js';
import type { KieClient, TaskInfo } from './kie/client.js';
import { downloadResult } from './kie/download.js';
import { waitForTask, type PollSchedule } from './kie/poll.js';
import { isRetryableError, retryDelay, withRetry } from './kie/retry.js';
import type { LockWriter } from './lock-writer.js';
import type { PlannedAsset } from './plan.js';
import type { Project } from './project.js';
import type { RateLimiter } from './rate-limiter.js';
import { sleep } from './sleep.js';

export interface GenerateContext {
  project: Project;
  store: ProjectStore;
  lockWriter: LockWriter;
  client: KieClient;
  limiter: RateLimiter;
  schedule: PollSchedule;
  baseUrl: string;
  /** results are placeholders from the in-process simulator: never cached, marked in the lock */
  offline: boolean;
  signal: AbortSignal;
  emit: (event: BuildEvent) => void;
  /** set once the account has no credits left: no new task may be created after that */
  shouldStopSubmitting: () => boolean;
}

export type GenerateOutcome =
  | { ok: true; taskId: string; bytes: number; credits: number | undefined }
  | { ok: false; notStarted: true; error: KieaudioError }
  | { ok: false; notStarted: false; error: KieaudioError; taskId?: string | undefined; maybeCharged: boolean };

/** How often a create answered "not created, try later" (429, 5xx answered, refused) is resent. */
const CREATE_RETRIES = 6;
/** kie does not document Retry-After; 429 without one waits this long (alfman99 waits 5 s). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;
const DOWNLOAD_RETRIES = 4;

export async function generateAsset(ctx: GenerateContext, item: PlannedAsset): Promise<GenerateOutcome> {
  const { asset } = item;
  let taskId = item.action.type === 'resume' ? item.action.taskId : undefined;
  let resumed = taskId !== undefined;

  // A resumed task whose record or result is gone (kie keeps results 14 days) is created anew.
  for (let attempt = 0; ; attempt++) {
    if (taskId === undefined) {
      if (ctx.shouldStopSubmitting()) {
        return { ok: false, notStarted: true, error: new KieaudioError('E_API_CREDITS', 'not submitted: no credits left') };
      }
      const created = await createTask(ctx, item);
      if (!created.ok) return created;
      taskId = created.taskId;
    }

    let info: TaskInfo;
    try {
      info = await waitForTask(ctx.client, taskId, {
        schedule: ctx.schedule,
        signal: ctx.signal,
        onState: (state) => ctx.emit({ type: 'state', asset: asset.id, out: asset.out, taskId: taskId ?? '', state: state.rawState }),
      });
    } catch (error) {
      if (resumed && attempt === 0 && isGone(error)) {
        ctx.emit({
          type: 'warning',
          code: 'W_TASK_GONE',
          asset: asset.id,
          message: `task ${taskId} from an earlier build is unknown to the API or its result expired; generating ${asset.out} again`,
        });
        await ctx.store.journal.remove(item.specHash);
        taskId = undefined;
        resumed = false;
        continue;
      }
      return taskFailure(ctx, item, error, taskId);
    }

    try {
      const bytes = await install(ctx, item, taskId, info);
      await ctx.store.journal.remove(item.specHash);
      return { ok: true, taskId, bytes, credits: info.creditsConsumed };
    } catch (error) {
      if (resumed && attempt === 0 && isGone(error)) {
        ctx.emit({
          type: 'warning',
          code: 'W_RESULT_EXPIRED',
          asset: asset.id,
          message: `the result of task ${taskId} can no longer be downloaded; generating ${asset.out} again`,
        });
        await ctx.store.journal.remove(item.specHash);
        taskId = undefined;
        resumed = false;
        continue;
      }
      return taskFailure(ctx, item, error, taskId);
    }
  }
}

async function createTask(
  ctx: GenerateContext,
  item: PlannedAsset,
): Promise<{ ok: true; taskId: string } | Extract<GenerateOutcome, { ok: false }>> {
  const { asset } = item;
  for (let attempt = 0; ; attempt++) {
    if (ctx.shouldStopSubmitting()) {
      return { ok: false, notStarted: true, error: new KieaudioError('E_API_CREDITS', 'not submitted: no credits left') };
    }
    await ctx.limiter.acquire(ctx.signal);
    try {
      const { taskId } = await ctx.client.createTask({ model: asset.model, input: asset.input }, { signal: ctx.signal });
      await ctx.store.journal.record({
        specHash: item.specHash,
        taskId,
        model: asset.model,
        baseUrl: ctx.baseUrl,
        offline: ctx.offline,
        out: asset.out,
        createdAt: new Date().toISOString(),
      });
      ctx.emit({ type: 'submitted', asset: asset.id, out: asset.out, taskId, model: asset.model });
      return { ok: true, taskId };
    } catch (error) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'E_API_AUTH') throw error; // the whole build stops
      const maybeCreated = error.details.maybeCreated === true;
      if (maybeCreated) {
        // Sent, but no answer: the task may exist and be billed. Resending could pay twice, so
        // this asset fails and the summary says a charge may have been made.
        return { ok: false, notStarted: false, error, maybeCharged: true };
      }
      if (error.code === 'E_API_CREDITS') return { ok: false, notStarted: true, error };
      if (!error.retryable || attempt >= CREATE_RETRIES) {
        return { ok: false, notStarted: false, error, maybeCharged: false };
      }
      if (error.code === 'E_API_RATE_LIMIT') {
        ctx.limiter.backOff(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
      } else {
        await sleep(retryDelay(error, attempt, 500, 15_000), ctx.signal);
      }
    }
  }
}

/** Downloads the result into the cache (or, for placeholders, straight to `out`) and records it. */
async function install(ctx: GenerateContext, item: PlannedAsset, taskId: string, info: TaskInfo): Promise<number> {
  const { asset } = item;
  const url = info.resultUrls[0];
  if (url === undefined) throw new ApiError('E_API_PROTOCOL', `task ${taskId} succeeded without a result URL`, { retryable: false });
  const dest = outputPath(ctx.project, asset.out);
  const target = ctx.offline ? dest : ctx.store.cache.dataPath(item.specHash);

  const { bytes, sha256 } = await withRetry(
    () => downloadResult({ client: ctx.client, url, dest: target, format: asset.format, signal: ctx.signal }),
    { signal: ctx.signal, retries: DOWNLOAD_RETRIES, isRetryable: (e) => isRetryableError(e) && !isGone(e) },
  );

  if (!ctx.offline) {
    await ctx.store.cache.commit(item.specHash, { contentHash: sha256, size: bytes, model: asset.model, taskId });
    if (!(await ctx.store.cache.copyTo(item.specHash, dest, ctx.signal))) {
      throw new KieaudioError('E_IO', `the cache entry for ${asset.out} was damaged right after it was written`);
    }
  }
  await ctx.store.statIndex.record(asset.out, dest, sha256);
  ctx.lockWriter.set(asset.out, {
    id: asset.id,
    kind: asset.kind,
    model: asset.model,
    input: asset.input,
    specHash: item.specHash,
    contentHash: sha256,
    size: bytes,
    taskId,
    ...(ctx.offline ? { placeholder: true as const } : {}),
  });
  return bytes;
}

function taskFailure(ctx: GenerateContext, item: PlannedAsset, error: unknown, taskId: string): GenerateOutcome {
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  if (error instanceof ApiError && error.code === 'E_API_AUTH') throw error;
  const failure =
    error instanceof KieaudioError ? error : new KieaudioError('E_IO', (error as Error).message, { cause: error });
  if (failure.code === 'E_TASK_FAILED' || isGone(failure)) {
    // Finished (badly) or gone: nothing left to resume. A timed-out task stays journalled.
    void ctx.store.journal.remove(item.specHash);
  }
  return { ok: false, notStarted: false, error: failure, taskId, maybeCharged: false };
}

/** The task or its result no longer exists on the server. */
function isGone(error: unknown): boolean {
  if (!(error instanceof KieaudioError)) return false;
  if (error.code === 'E_API_NOT_FOUND') return true;
  return error.code === 'E_DOWNLOAD' && (error.details.status === 404 || error.details.status === 410);
}
