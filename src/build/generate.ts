/**
 * One asset's paid path: create a task (or resume one from the journal), wait for it, install
 * its result. Reports how it ended with a `generated` or `failed` event. A task that is gone
 * from the API (unknown, or its result expired) or that failed upstream at no charge is replaced
 * by a new one; anything else that stops short keeps the task journalled, for the next build to
 * finish without paying again.
 */
import { ApiError, abortError, messageOf, stopsBuild, toKieaudioError } from '../errors.js';
import type { TaskInfo } from '../kie/client.js';
import { waitForTask } from '../kie/poll.js';
import { retryDelay } from '../kie/retry.js';
import type { PlannedAsset } from '../plan/decide.js';
import { heldReason } from '../plan/source.js';
import { sleep } from '../sleep.js';
import { failpoint } from '../store/failpoint.js';
import { outputPath } from '../store/project-store.js';
import { createTask, journalEntry } from './create-task.js';
import type { GenerateContext } from './generate-context.js';
import { installResult, isGone } from './install-result.js';
import { installSidecarsOf } from './install-sidecars.js';
import { latencyOf } from './latency.js';
import { failedEvent, heldEvent } from './records.js';

/** failCode "500" is kie's "upstream hiccup" and costs nothing (docs/kie-api.md §0): worth retrying. */
const TRANSIENT_FAILURE_RETRIES = 2;
/** How long after creation a task may still be invisible to recordInfo (docs/kie-api.md §2). */
const RECORD_GRACE_MS = 60_000;

export type GenerateOutcome = 'generated' | 'failed' | 'not-started' | 'held';

/** Where the asset's task stands: the one being waited for, and what is known of it. */
interface TaskState {
  taskId: string | undefined;
  /** created by this build, resumed from an earlier build's journal, or recovered through the lock */
  origin: TaskOrigin;
  /** its credits were counted by the build that first saw it finish, not to be counted again */
  creditsCounted: boolean;
  /** ms since the epoch; "not visible yet" is only plausible right after creation */
  createdAt: number;
  /** recordInfo has answered for it: a missing record now means it is gone */
  seen: boolean;
  transientFailures: number;
}

type TaskOrigin = 'created' | 'resumed' | 'recovered';

export async function generateAsset(ctx: GenerateContext, item: PlannedAsset): Promise<GenerateOutcome> {
  // the build's poll pace counts this asset's create until it is sent, or never will be
  let unsent = ctx.pace !== undefined && item.action.type === 'generate';
  const sent = () => {
    if (unsent) ctx.pace?.toCreate(-1);
    unsent = false;
  };
  try {
    return await generateWith(ctx, item, sent);
  } finally {
    sent();
  }
}

async function generateWith(ctx: GenerateContext, item: PlannedAsset, sent: () => void): Promise<GenerateOutcome> {
  const task = initialState(item);
  // Where the result will go is checked before anything is paid for: a file in the way of its
  // folder (or of its cache shard), or a folder that leads outside outDir, fails the asset now.
  await ctx.outFolders.prepare(outputPath(ctx.project, item.asset.out));
  if (!ctx.offline) await ctx.cacheFolders.prepare(ctx.store.cache.dataPath(item.specHash));

  for (;;) {
    if (task.taskId === undefined) {
      // a resumed or recovered task that is gone leads here: the plan's hold applies as much
      if (heldBack(ctx, item)) return 'held';
      const created = await createTask(ctx, item);
      sent();
      if (!created.ok) {
        ctx.emit(failedEvent(item, created.error, { maybeCharged: created.maybeCharged, notStarted: created.notStarted }));
        return created.notStarted ? 'not-started' : 'failed';
      }
      task.taskId = created.taskId;
      task.createdAt = Date.now();
      task.seen = false;
    }
    const taskId = task.taskId;
    ctx.inFlight.set(item.specHash, { asset: item.asset.id, out: item.asset.out, taskId });

    let info: TaskInfo;
    try {
      info = await waitFor(ctx, item, task, taskId);
      ctx.budget.settle(item.specHash, info.creditsConsumed);
    } catch (error) {
      ctx.budget.settle(item.specHash, failedTaskCharge(error));
      if (await replaceTask(ctx, item, task, error)) continue;
      ctx.emit(failedEvent(item, await taskFailure(ctx, item, error), { taskId }));
      return 'failed';
    }
    const credits = task.creditsCounted || ctx.offline ? undefined : info.creditsConsumed;
    try {
      const { bytes, timings } = await installResult(ctx, item, taskId, info, generatedAt(task));
      ctx.inFlight.delete(item.specHash);
      await ctx.store.journal.remove(item.specHash);
      const { origin } = task;
      ctx.emit({ type: 'generated', asset: item.asset.id, out: item.asset.out, taskId, bytes, credits, placeholder: ctx.offline, origin });
      // the audio is paid for and installed: a sidecar that cannot be written fails the asset, not the payment
      await installSidecarsOf(ctx, item, timings).catch((error: unknown) => ctx.emit(failedEvent(item, error)));
      return 'generated';
    } catch (error) {
      if (task.origin !== 'created' && isGone(error)) {
        const message = `the result of task ${taskId} can no longer be downloaded (kie.ai keeps results 14 days); generating ${item.asset.out} again`;
        await startOver(ctx, item, task, 'W_RESULT_EXPIRED', message);
        continue;
      }
      const failure = await taskFailure(ctx, item, error);
      if (credits !== undefined) await markCreditsCounted(ctx, item, task, taskId);
      ctx.emit(failedEvent(item, failure, { taskId, credits }));
      return 'failed';
    }
  }
}

/** A task that ended in `fail` cost nothing (docs/kie-api.md §6); any other stop leaves its cost unknown. */
function failedTaskCharge(error: unknown): number | undefined {
  return error instanceof ApiError && error.code === 'E_TASK_FAILED' ? 0 : undefined;
}

function initialState(item: PlannedAsset): TaskState {
  const resume = item.action.type === 'resume' ? item.action : undefined;
  return {
    taskId: resume?.taskId,
    origin: resume === undefined ? 'created' : resume.recovered ? 'recovered' : 'resumed',
    creditsCounted: resume?.creditsCounted === true,
    createdAt: resume ? Date.parse(resume.createdAt) : Date.now(),
    seen: resume?.seen === true,
    transientFailures: 0,
  };
}

/** When the task was made, for the lock (kie.ai's retention counts from then); unknown for an old lock's task. */
function generatedAt(task: TaskState): string | undefined {
  return Number.isNaN(task.createdAt) ? undefined : new Date(task.createdAt).toISOString();
}

function waitFor(ctx: GenerateContext, item: PlannedAsset, task: TaskState, taskId: string): Promise<TaskInfo> {
  return waitForTask(ctx.client, taskId, {
    schedule: ctx.schedule,
    // a resumed task's age is unknown to the loop: it polls on the cadence and teaches nothing
    ...(ctx.latency !== undefined && task.origin === 'created'
      ? { latency: latencyOf(ctx.latency, item.asset.model), pace: ctx.pace }
      : {}),
    signal: ctx.signal,
    recordGraceMs: recordGrace(task),
    onState: async (state) => {
      failpoint('polling');
      ctx.emit({ type: 'state', asset: item.asset.id, out: item.asset.out, taskId, state: state.rawState });
      if (!task.seen) await noteSeen(ctx, item, task, taskId);
    },
  });
}

/**
 * How long a missing record may mean "not visible yet" rather than "gone": the rest of the window
 * after creation (docs/kie-api.md §2), and nothing for a task the API has shown before — a resumed
 * task whose first poll said it does not exist is regenerated at once, not a minute later.
 */
function recordGrace(task: TaskState): number {
  if (task.seen) return 0;
  const age = Number.isNaN(task.createdAt) ? 0 : Date.now() - task.createdAt;
  return Math.min(RECORD_GRACE_MS, Math.max(0, RECORD_GRACE_MS - age));
}

/**
 * The API has shown the task: written in its journal entry, so a build that resumes it after an
 * interruption knows a missing record means it is gone. Best effort: without it, that build only
 * waits out the grace. A recovered task is not journalled (the lock names it).
 */
async function noteSeen(ctx: GenerateContext, item: PlannedAsset, task: TaskState, taskId: string): Promise<void> {
  task.seen = true;
  if (task.origin === 'recovered') return;
  await ctx.store.journal.record(journalEntry(ctx, item, journalFields(task, taskId))).catch(() => undefined);
}

/** The journal entry of a created task, as this build knows it. */
function journalFields(task: TaskState, taskId: string) {
  const createdAt = new Date(Number.isNaN(task.createdAt) ? Date.now() : task.createdAt).toISOString();
  return {
    state: 'created' as const,
    taskId,
    createdAt,
    ...(task.creditsCounted ? { creditsCounted: true } : {}),
    ...(task.seen ? { seenAt: new Date().toISOString() } : {}),
  };
}

/** A task worth replacing by a new one: gone from the API, or failed upstream at no charge. */
async function replaceTask(ctx: GenerateContext, item: PlannedAsset, task: TaskState, error: unknown): Promise<boolean> {
  const id = task.taskId;
  if (task.origin !== 'created' && isGone(error)) {
    const message = `task ${id} from an earlier build is unknown to the API (gone, or kie.ai no longer keeps it); generating ${item.asset.out} again`;
    await startOver(ctx, item, task, 'W_TASK_GONE', message);
    return true;
  }
  if (error instanceof ApiError && error.transient && task.transientFailures < TRANSIENT_FAILURE_RETRIES) {
    task.transientFailures++;
    const message = `task ${id} failed upstream (${messageOf(error)}); trying a new task (nothing was charged)`;

    await startOver(ctx, item, task, 'W_TASK_RETRY', message);
    await sleep(retryDelay(error, task.transientFailures, ctx.retry.baseMs * 2, ctx.retry.maxMs), ctx.signal);
    return true;
  }
  return false;
}

async function startOver(ctx: GenerateContext, item: PlannedAsset, task: TaskState, code: string, message: string): Promise<void> {
  ctx.emit({ type: 'warning', code, asset: item.asset.id, message });
  ctx.inFlight.delete(item.specHash);
  await ctx.store.journal.remove(item.specHash);
  task.taskId = undefined;
  task.origin = 'created';
  task.creditsCounted = false;
}

/**
 * A task whose result could not be installed stays journalled for the next build to download;
 * that build must not count its credits again. Best effort: the failure to report is the
 * install's (often a full disk).
 */
async function markCreditsCounted(ctx: GenerateContext, item: PlannedAsset, task: TaskState, taskId: string): Promise<void> {
  if (!ctx.inFlight.has(item.specHash)) return;
  task.creditsCounted = true;
  await ctx.store.journal.record(journalEntry(ctx, item, journalFields(task, taskId))).catch(() => undefined);
}

/** The error to report for a task that stopped short; drops it from the journal if nothing is left to resume. */
async function taskFailure(ctx: GenerateContext, item: PlannedAsset, error: unknown) {
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  if (stopsBuild(error)) throw error;
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
  return failure;
}

/**
 * A new task for a spec whose earlier create request got no answer waits for the user's word:
 * reported as held, as the plan does for it (plan/source.ts).
 */
function heldBack(ctx: GenerateContext, item: PlannedAsset): boolean {
  const earlier = ctx.unanswered.get(item.specHash);
  if (earlier === undefined || ctx.resendUnanswered) return false;
  ctx.emit(heldEvent(item, heldReason(earlier), earlier.sentAt));
  return true;
}
