/**
 * Running the paid part of a build: every `generate`/`resume` item under the concurrency limit,
 * and each asset that shares its spec with one of them copied once that one has landed. A
 * worker's failure is that asset's failure; only a refused key or the caller's signal stops the
 * rest.
 */
import pLimit from 'p-limit';
import type { ApiSession } from './api-session.js';
import { ApiError, KieaudioError } from '../errors.js';
import { generateAsset, type GenerateContext } from './generate.js';
import { DEFAULT_POLL_SCHEDULE } from '../kie/poll.js';
import { withPollBudget } from '../kie/poll-budget.js';
import { outputPath } from '../store/project-store.js';
import type { PlannedAsset } from '../plan/decide.js';
import { createRateLimiter } from '../kie/rate-limiter.js';
import { copyPlaceholder, recordFailure, restoreFromCache, type InstallContext } from './restore.js';
import { NO_JOURNAL } from '../store/journal.js';

export interface GenerateAllOptions {
  api: ApiSession;
  /** `generate` and `resume` items, one per spec hash */
  paid: readonly PlannedAsset[];
  /** `restore` items whose source is another asset of this build (`pending`) */
  followers: readonly PlannedAsset[];
  offline: boolean;
  concurrency: number;
  /** aborts the whole build (a refused key) */
  abort: (reason: unknown) => void;
  inFlight: GenerateContext['inFlight'];
}

export async function generateAll(ctx: InstallContext, options: GenerateAllOptions): Promise<void> {
  const { project, signal, emit, summary, failures } = ctx;
  const { api, offline } = options;
  const { paid, followers } = await leadersThatCanInstall(ctx, options.paid, options.followers);
  const { rateLimit, pollRateLimit, poll, retry } = project.config.api;
  let outOfCredits = false;

  const gen: GenerateContext = {
    project,
    // An --offline simulator forgets its tasks when it stops: journalling them would only
    // overwrite the entries of real, paid tasks for the same specs.
    store: offline ? { ...ctx.store, journal: NO_JOURNAL } : ctx.store,
    lockWriter: ctx.lockWriter,
    // The offline simulator has no limits worth respecting.
    client: offline
      ? api.client
      : withPollBudget(
          api.client,
          createRateLimiter({
            requests: pollRateLimit.requests,
            intervalMs: pollRateLimit.intervalSeconds * 1000,
            spacingMs: (pollRateLimit.intervalSeconds * 1000) / pollRateLimit.requests,
          }),
        ),
    limiter: offline
      ? createRateLimiter({ requests: 1_000, intervalMs: 1_000 })
      : createRateLimiter({ requests: rateLimit.requests, intervalMs: rateLimit.intervalSeconds * 1000 }),
    schedule: offline
      ? { initialMs: 5, maxMs: 50, timeoutMs: DEFAULT_POLL_SCHEDULE.timeoutMs }
      : { initialMs: poll.initialSeconds * 1000, maxMs: poll.maxSeconds * 1000, timeoutMs: poll.timeoutSeconds * 1000 },
    retry: { attempts: retry.attempts, baseMs: retry.initialSeconds * 1000, maxMs: retry.maxSeconds * 1000 },
    baseUrl: api.baseUrl,
    offline,
    signal,
    emit,
    shouldStopSubmitting: () => outOfCredits,
    inFlight: options.inFlight,
    outFolders: ctx.outFolders,
    cacheFolders: ctx.cacheFolders,
  };

  const limit = pLimit(options.concurrency);
  const landed = new Map<string, Promise<boolean>>();

  const runOne = async (item: PlannedAsset): Promise<boolean> => {
    if (signal.aborted) return false;
    const { asset } = item;
    let outcome;
    try {
      outcome = await generateAsset(gen, item);
    } catch (error) {
      // A refused key stops everything at once; other workers see the aborted signal.
      if (error instanceof ApiError && error.code === 'E_API_AUTH') options.abort(error);
      if (signal.aborted) return false;
      // Anything else (a full disk, a bug) is this asset's failure; the task stays journalled.
      recordFailure(ctx, item, error);
      return false;
    }
    summary.possibleDuplicateCharges += outcome.possibleDuplicates;
    const maybeCharged = outcome.possibleDuplicates > 0;
    // The offline simulator's "credits" are make-believe: nothing was paid.
    const credits = offline ? undefined : 'credits' in outcome ? outcome.credits : undefined;
    summary.creditsUsed += credits ?? 0;
    if (outcome.ok) {
      summary.generated++;
      emit({ type: 'generated', asset: asset.id, out: asset.out, taskId: outcome.taskId, bytes: outcome.bytes, credits, placeholder: offline });
      return true;
    }
    const { error } = outcome;
    if (error.code === 'E_API_CREDITS' && !outOfCredits) {
      outOfCredits = true;
      emit({
        type: 'warning',
        code: 'W_NO_CREDITS',
        message: 'kie.ai says the account has no credits left: no new tasks will be submitted; tasks already running will finish',
      });
    }
    const failure = { asset: asset.id, out: asset.out, code: error.code, message: error.message, maybeCharged };
    if (outcome.notStarted) {
      summary.notStarted++;
      failures.push(failure);
      emit({ type: 'failed', ...failure, notStarted: true });
      return false;
    }
    summary.failed++;
    failures.push({ ...failure, taskId: outcome.taskId });
    emit({ type: 'failed', ...failure, taskId: outcome.taskId });
    return false;
  };

  for (const item of paid) landed.set(item.asset.out, limit(() => runOne(item)));

  const copies = followers.map(async (item) => {
    if (item.action.type !== 'restore' || item.action.source.kind !== 'pending') return;
    const leaderOut = item.action.source.out;
    const ok = await landed.get(leaderOut);
    if (signal.aborted) return;
    try {
      if (!ok) throw new KieaudioError('E_TASK_FAILED', `not generated: it has the same spec as ${leaderOut}, which failed`);
      if (offline) await copyPlaceholder(ctx, item, leaderOut);
      else await restoreFromCache(ctx, item, leaderOut);
    } catch (error) {
      if (!signal.aborted) recordFailure(ctx, item, error);
    }
  });

  await Promise.all([...landed.values(), ...copies]);
  if (outOfCredits) {
    const left = summary.notStarted;
    emit({
      type: 'warning',
      code: 'W_NO_CREDITS',
      message: `${left} asset${left === 1 ? ' was' : 's were'} not submitted for lack of credits (${left} still to do): top up, then run kieaudio build again`,
    });
  }
}

/**
 * A generation whose own output folder cannot be made (a file is in the way) fails before anything
 * is paid — and would take the assets that share its spec down with it. The first of those whose
 * folder can be made is generated instead; the blocked one then waits for it like any other copy,
 * and fails on its own folder.
 */
async function leadersThatCanInstall(
  ctx: InstallContext,
  paid: readonly PlannedAsset[],
  followers: readonly PlannedAsset[],
): Promise<{ paid: PlannedAsset[]; followers: PlannedAsset[] }> {
  const leaderOf = (item: PlannedAsset) => (item.action.type === 'restore' && item.action.source.kind === 'pending' ? item.action.source.out : undefined);
  const follow = (item: PlannedAsset, out: string): PlannedAsset => ({ ...item, action: { type: 'restore', source: { kind: 'pending', out } } });
  const canInstall = (item: PlannedAsset) => ctx.outFolders.prepare(outputPath(ctx.project, item.asset.out)).then(() => true, () => false);
  const newLeader = new Map<string, string>(); // blocked leader's out → the copy that leads instead
  const result = { paid: [...paid], followers: [...followers] };
  for (const [i, leader] of paid.entries()) {
    if (leader.action.type !== 'generate') continue; // a resumed task is paid for already
    const group = followers.filter((f) => leaderOf(f) === leader.asset.out);
    if (group.length === 0 || (await canInstall(leader))) continue;
    for (const candidate of group) {
      if (!(await canInstall(candidate))) continue;
      result.paid[i] = { ...candidate, action: leader.action, reason: leader.reason };
      result.followers = result.followers.map((f) => (f === candidate ? follow(leader, candidate.asset.out) : f));
      newLeader.set(leader.asset.out, candidate.asset.out);
      break;
    }
  }
  if (newLeader.size === 0) return result;
  result.followers = result.followers.map((f) => {
    const to = newLeader.get(leaderOf(f) ?? '');
    return to === undefined ? f : follow(f, to);
  });
  return result;
}
