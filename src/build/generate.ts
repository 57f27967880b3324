/**
 * One asset's paid path: create a task (or resume one from the journal), wait for it, download
 * the result into the cache, install it at `out`. The journal is written before the create
 * request is sent and again with the task id, so an interruption at any point never leads to
 * paying twice without saying so.
 */
import { ApiError, KieaudioError, abortError, messageOf, toKieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';
import { failpoint } from '../store/failpoint.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import type { KieClient, TaskInfo } from '../kie/client.js';
import { downloadResult } from '../kie/download.js';
import { waitForTask, type PollSchedule } from '../kie/poll.js';
import { isRetryableError, retryDelay, withRetry } from '../kie/retry.js';
import type { LockWriter } from '../store/lock-writer.js';
import type { PlannedAsset } from '../plan/decide.js';
import type { Project } from '../project.js';
import type { RateLimiter } from '../kie/rate-limiter.js';
import { copyFromCache } from './restore.js';
import { sleep } from '../kie/sleep.js';
import type { JournalEntry } from '../store/journal.js';
import type { OutFolders } from '../store/out-dir-guard.js';

export interface GenerateContext {
  project: Project;
  store: ProjectStore;
  lockWriter: LockWriter;
  client: KieClient;
  limiter: RateLimiter;
  schedule: PollSchedule;
  retry: { attempts: number; baseMs: number; maxMs: number };
  baseUrl: string;
  /** results are placeholders from the in-process simulator: never cached, marked in the lock */
  offline: boolean;
  signal: AbortSignal;
  emit: (event: BuildEvent) => void;
  /** set once the account has no credits left: no new task may be created after that */
  shouldStopSubmitting: () => boolean;
  /** tasks created and not yet installed, for the "still in flight" report on interruption */
  inFlight: Map<string, { asset: string; out: string; taskId: string }>;
  outFolders: OutFolders;
  cacheFolders: OutFolders;
}

interface Charges {
  /** create requests that got no answer: each may be a task billed without a result */
  possibleDuplicates: number;
}

export type GenerateOutcome = Charges &
  (
    | { ok: true; taskId: string; bytes: number; credits: number | undefined }
    | { ok: false; notStarted: true; error: KieaudioError }
    | {
        ok: false;
        notStarted: false;
        error: KieaudioError;
        taskId?: string | undefined;
        /** what the task cost although its result could not be installed (yet) */
        credits?: number | undefined;
      }
  );

/** failCode "500" is kie's "upstream hiccup" and costs nothing (kie-api.md §0): worth retrying. */
const TRANSIENT_FAILURE_RETRIES = 2;
/** 429s one create may meet before its asset fails: well past any honest rate-limit window. */
const MAX_RATE_LIMITED = 50;
/** How long after creation a task may still be invisible to recordInfo (kie-api.md §2). */
const RECORD_GRACE_MS = 60_000;

export async function generateAsset(ctx: GenerateContext, item: PlannedAsset): Promise<GenerateOutcome> {
  const { asset } = item;
  const charges: Charges = { possibleDuplicates: 0 };
  let taskId = item.action.type === 'resume' ? item.action.taskId : undefined;
  let resumed = taskId !== undefined;
  // A task's credits are counted once, by the build that first sees it finish: not again by the
  // builds that resume it because its result could not be installed.
  let creditsCounted = item.action.type === 'resume' && item.action.creditsCounted === true;
  // "Not visible yet" is only plausible right after creation, not for a task from days ago.
  let createdAt = item.action.type === 'resume' ? Date.parse(item.action.createdAt) : Date.now();
  let transientFailures = 0;

  const startOver = async (code: string, message: string) => {
    ctx.emit({ type: 'warning', code, asset: asset.id, message });
    ctx.inFlight.delete(item.specHash);
    await ctx.store.journal.remove(item.specHash);
    taskId = undefined;
    resumed = false;
    creditsCounted = false;
  };

  // Where the result will go is checked before anything is paid for: a file in the way of its
  // folder (or of its cache shard), or a folder that leads outside outDir, fails the asset now,
  // not after the download.
  await ctx.outFolders.prepare(outputPath(ctx.project, asset.out));
  if (!ctx.offline) await ctx.cacheFolders.prepare(ctx.store.cache.dataPath(item.specHash));

  for (;;) {
    if (taskId === undefined) {
      const created = await createTask(ctx, item, charges);
      if (!created.ok) return { ...created, ...charges };
      taskId = created.taskId;
      createdAt = Date.now();
    }
    const id: string = taskId;
    ctx.inFlight.set(item.specHash, { asset: asset.id, out: asset.out, taskId: id });

    let info: TaskInfo;
    try {
      info = await waitForTask(ctx.client, id, {
        schedule: ctx.schedule,
        signal: ctx.signal,
        recordGraceMs: Math.max(0, RECORD_GRACE_MS - (Date.now() - (Number.isNaN(createdAt) ? 0 : createdAt))),
        onState: (state) => {
          failpoint('polling');
          ctx.emit({ type: 'state', asset: asset.id, out: asset.out, taskId: id, state: state.rawState });
        },
      });
    } catch (error) {
      if (resumed && isGone(error)) {
        await startOver('W_TASK_GONE', `task ${id} from an earlier build is unknown to the API; generating ${asset.out} again`);
        continue;
      }
      if (isTransientFailure(error) && transientFailures < TRANSIENT_FAILURE_RETRIES) {
        transientFailures++;
        await startOver('W_TASK_RETRY', `task ${id} failed upstream (${messageOf(error)}); trying a new task (nothing was charged)`);
        await sleep(retryDelay(error, transientFailures, ctx.retry.baseMs * 2, ctx.retry.maxMs), ctx.signal);
        continue;
      }
      return { ...(await taskFailure(ctx, item, error, id)), ...charges };
    }

    try {
      const bytes = await install(ctx, item, id, info);
      ctx.inFlight.delete(item.specHash);
      await ctx.store.journal.remove(item.specHash);
      return { ...charges, ok: true, taskId: id, bytes, credits: creditsCounted ? undefined : info.creditsConsumed };
    } catch (error) {
      if (resumed && isGone(error)) {
        await startOver('W_RESULT_EXPIRED', `the result of task ${id} can no longer be downloaded (kie.ai keeps results 14 days); generating ${asset.out} again`);
        continue;
      }
      const failure = await taskFailure(ctx, item, error, id);
      const credits = creditsCounted ? undefined : info.creditsConsumed;
      if (credits !== undefined && ctx.inFlight.has(item.specHash)) {
        // still journalled, for the next build to download: it must not count these again
        const since = new Date(Number.isNaN(createdAt) ? Date.now() : createdAt).toISOString();
        await ctx.store.journal
          .record(journalEntry(ctx, item, { state: 'created', taskId: id, createdAt: since, creditsCounted: true }))
          .catch(() => undefined); // best effort: the failure to report is the install's (often a full disk)
      }
      return { ...failure, credits, ...charges };
    }
  }
}

/** `item`'s journal entry on this API, with `fields` for its state. */
function journalEntry(
  ctx: GenerateContext,
  item: PlannedAsset,
  fields: Pick<JournalEntry, 'state' | 'createdAt'> & Partial<Pick<JournalEntry, 'taskId' | 'creditsCounted'>>,
): JournalEntry {
  return { specHash: item.specHash, model: item.asset.model, baseUrl: ctx.baseUrl, out: item.asset.out, ...fields };
}

type CreateResult = { ok: true; taskId: string } | Extract<GenerateOutcome, { ok: false }>;

async function createTask(ctx: GenerateContext, item: PlannedAsset, charges: Charges): Promise<CreateResult> {
  const { asset } = item;
  const entry = journalEntry(ctx, item, { state: 'creating', createdAt: '' });
  const noCredits = (): CreateResult => ({
    ok: false,
    notStarted: true,
    possibleDuplicates: 0,
    error: new KieaudioError('E_API_CREDITS', 'not submitted: the account has no credits left'),
  });

  // A 429 is the server saying "not yet", not a failure: it has a bound of its own.
  let failures = 0;
  let limited = 0;
  for (let attempt = 0; ; attempt++) {
    if (ctx.shouldStopSubmitting()) return noCredits();
    // Written (and fsynced) before the request can leave: a crash from here on is never silent.
    // It comes before the rate-limit slot, so the request goes out the moment its slot opens:
    // a variable fsync between slot and send would bunch requests into the server's window.
    await ctx.store.journal.record({ ...entry, createdAt: new Date().toISOString() });
    let release;
    try {
      release = await ctx.limiter.acquire(ctx.signal);
    } catch (error) {
      await ctx.store.journal.remove(item.specHash); // never sent
      throw error;
    }
    if (ctx.shouldStopSubmitting()) {
      release();
      await ctx.store.journal.remove(item.specHash);
      return noCredits();
    }
    failpoint('before-create');
    let taskId: string;
    try {
      // Not abortable: once sent, a create may be billed, and only its answer says which task to
      // journal. An interruption waits for it (up to the request timeout); a second Ctrl-C
      // leaves at once, and the `creating` entry tells the next build to report it.
      ({ taskId } = await ctx.client.createTask({ model: asset.model, input: asset.input }));
      release();
    } catch (error) {
      release();
      if (!(error instanceof ApiError)) throw error;
      if (error.maybeCreated === true) {
        // Sent, but no answer: the task may exist and be billed, and the API cannot find it for
        // us. Resending could pay twice (kie-api.md §4), so the asset fails, reported as a
        // possible charge; the journal entry goes, so the next build does not count it again.
        charges.possibleDuplicates++;
        if (ctx.signal.aborted) throw abortError(ctx.signal); // the entry stays: the next build reports it
        await ctx.store.journal.remove(item.specHash);
        return { ok: false, notStarted: false, possibleDuplicates: 0, error };
      }
      // Certainly not created: forget the intent, so no false alarm is raised later.
      await ctx.store.journal.remove(item.specHash);
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      if (error.code === 'E_API_AUTH') throw error; // the whole build stops
      if (error.code === 'E_API_CREDITS') return { ok: false, notStarted: true, possibleDuplicates: 0, error };
      const rateLimited = error.code === 'E_API_RATE_LIMIT';
      if (rateLimited) limited++;
      else failures++;
      if (!error.retryable || failures > ctx.retry.attempts || limited > MAX_RATE_LIMITED) {
        return { ok: false, notStarted: false, possibleDuplicates: 0, error };
      }
      let delayMs: number;
      if (rateLimited) {
        // Slows every worker down, not just this one; the limiter adds jitter.
        delayMs = ctx.limiter.rateLimited(error.retryAfterMs);
      } else {
        delayMs = retryDelay(error, failures - 1, ctx.retry.baseMs, ctx.retry.maxMs);
        await sleep(delayMs, ctx.signal);
      }
      ctx.emit({
        type: 'retry',
        operation: 'create',
        asset: asset.id,
        out: asset.out,
        code: error.code,
        attempt: attempt + 1,
        delayMs: Math.round(delayMs),
        message: error.message,
      });
      continue;
    }
    ctx.limiter.accepted();
    failpoint('after-create');
    await ctx.store.journal.record({ ...entry, state: 'created', taskId, createdAt: new Date().toISOString() });
    failpoint('after-journal');
    ctx.emit({ type: 'submitted', asset: asset.id, out: asset.out, taskId, model: asset.model });
    return { ok: true, taskId };
  }
}

/** Downloads the result into the cache (or, for placeholders, straight to `out`) and records it. */
async function install(ctx: GenerateContext, item: PlannedAsset, taskId: string, info: TaskInfo): Promise<number> {
  const { asset } = item;
  const url = info.resultUrls[0];
  if (url === undefined) throw new ApiError('E_API_PROTOCOL', `task ${taskId} succeeded without a result URL`, { retryable: false });
  const dest = outputPath(ctx.project, asset.out);
  const target = ctx.offline ? dest : ctx.store.cache.dataPath(item.specHash);
  // Both folders were checked (and made) before the task was created. An offline result goes
  // straight to `out`, whose folder is checked again in case it was deleted since; a paid one goes
  // through the cache, and copyFromCache deals with that.
  if (ctx.offline) await ctx.outFolders.prepare(dest, true);

  const { bytes, sha256 } = await withRetry(
    () => downloadResult({ client: ctx.client, url, dest: target, format: asset.format, signal: ctx.signal }),
    {
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
          message: (e as Error).message,
          attempt: attempt + 1,
          delayMs,
        }),
    },
  );

  if (!ctx.offline) {
    await ctx.store.cache.commit(item.specHash, { contentHash: sha256, size: bytes, model: asset.model, taskId });
    failpoint('after-cache');
    if (!(await copyFromCache(ctx, item.specHash, dest))) {
      throw new KieaudioError('E_IO', `the cache entry for ${asset.out} was damaged right after it was written`);
    }
  }
  failpoint('after-install');
  ctx.store.statIndex.forget(asset.out);
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

async function taskFailure(
  ctx: GenerateContext,
  item: PlannedAsset,
  error: unknown,
  taskId: string,
): Promise<Extract<GenerateOutcome, { notStarted: false }>> {
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  if (error instanceof ApiError && error.code === 'E_API_AUTH') throw error;
  const failure = toKieaudioError(error);
  const recordGone = failure instanceof ApiError && failure.recordMissing;
  if (failure.code === 'E_TASK_FAILED' || recordGone || failure.code === 'E_API_INPUT') {
    // Finished badly, or unknown to the API: nothing is left to resume. (A result URL that keeps
    // answering 404 is not proof: the next build polls again, and only then regenerates.)
    ctx.inFlight.delete(item.specHash);
    await ctx.store.journal.remove(item.specHash);
  }
  // Anything else (still running, a download or disk that failed, a network gone) keeps the task
  // journalled and "in flight": the next build polls it and downloads the result it paid for.
  return { ok: false, notStarted: false, possibleDuplicates: 0, error: failure, taskId };
}

/** The task or its result no longer exists on the server. */
function isGone(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.recordMissing) return true;
  return error.code === 'E_DOWNLOAD' && (error.status === 404 || error.status === 410);
}

function isTransientFailure(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'E_TASK_FAILED' && error.transient;
}
