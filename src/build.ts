/**
 * `build`: load the project, decide what each asset needs (plan), then do it — restores from the
 * cache first (free), generations under the concurrency limit and the shared rate limiter. The
 * lock, the stat index and the journal are kept current as assets finish, so an interruption
 * keeps everything that was done and paid for.
 */
import pLimit from 'p-limit';
import { ApiError, KieaudioError, abortError } from './errors.js';
import type { BuildEvent, BuildSummary } from './events.js';
import { generateAsset, type GenerateContext } from './generate.js';
import { gatherState, outputPath, type ProjectStore } from './gather.js';
import { DEFAULT_POLL_SCHEDULE } from './kie/poll.js';
import { createLockWriter, type LockWriter } from './lock-writer.js';
import { planBuild, type Plan, type PlannedAsset } from './plan.js';
import type { Project } from './project.js';
import { createRateLimiter } from './rate-limiter.js';
import { openApi, type ApiSession } from './api-session.js';
import { prepareProject, type CommonOptions } from './prepare.js';
import { copyVerified } from './store/copy-verified.js';

/** Local copies at once: enough to keep a disk busy, few enough to stay clear of file limits. */
const RESTORE_CONCURRENCY = 16;

export interface BuildOptions extends CommonOptions {
  /** replace hand-edited or foreign files at `out` */
  force?: boolean;
  /** ignore the cache: pay for a new take of the selected assets */
  regenerate?: boolean;
  /** check only: report what is not up to date, change nothing, call nothing */
  frozen?: boolean;
  /** most tasks in flight; overrides the config */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
}

export interface AssetFailure {
  asset: string;
  out: string;
  code: string;
  message: string;
  taskId?: string | undefined;
  maybeCharged: boolean;
}

export interface BuildResult {
  project: Project;
  plan: Plan;
  summary: BuildSummary;
  failures: AssetFailure[];
  /** with `frozen`: the assets a build would generate or restore */
  stale: PlannedAsset[];
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => undefined);
  const offline = options.offline === true;
  const { project, env, selected, store } = await prepareProject(options);
  for (const w of project.warnings) {
    emit({ type: 'warning', code: w.code, message: w.message, file: w.file, line: w.line, col: w.col, ...(w.asset ? { asset: w.asset } : {}) });
  }

  const baseUrl = project.config.api.baseUrl;
  const gathered = await gatherState(project, store, selected, { baseUrl, offline });
  const plan = planBuild(gathered.facts, store.lock, gathered.orphanOutputs, {
    force: options.force === true,
    regenerate: options.regenerate === true,
    offline,
  });
  for (const item of plan.items) {
    emit({ type: 'planned', asset: item.asset.id, out: item.asset.out, action: item.action.type, reason: item.reason });
  }

  const summary: BuildSummary = {
    generated: 0,
    restored: 0,
    upToDate: 0,
    failed: 0,
    kept: 0,
    notStarted: 0,
    orphans: plan.orphans.length,
    creditsUsed: 0,
    possibleDuplicateCharges: 0,
    placeholders: offline,
    durationMs: 0,
  };
  const failures: AssetFailure[] = [];
  const stale = plan.items.filter((i) => ['restore', 'resume', 'generate', 'adopt'].includes(i.action.type));
  const finish = (): BuildResult => {
    summary.durationMs = Date.now() - started;
    emit({ type: 'summary', ...summary });
    return { project, plan, summary, failures, stale };
  };

  for (const item of plan.items) {
    if (item.action.type === 'up-to-date') {
      summary.upToDate++;
    } else if (item.action.type === 'keep-modified') {
      summary.kept++;
      emit({ type: 'kept', asset: item.asset.id, out: item.asset.out, reason: item.reason });
    }
  }
  if (options.frozen) {
    // --frozen reports; it writes nothing, not even an id change in the lock.
    return finish();
  }

  const paid = plan.items.filter((i) => i.action.type === 'generate' || i.action.type === 'resume');
  // Before anything is written: a missing key must leave the project untouched (exit 2).
  let api: ApiSession | undefined;
  if (paid.length > 0) api = await openApi({ project, env, offline });
  const lockWriter = createLockWriter(store.lockPath, store.lock, store.lockText);
  for (const item of plan.items) if (item.action.type === 'up-to-date') refreshLockEntry(lockWriter, item);
  for (const entry of gathered.deadJournal) await store.journal.remove(entry.specHash);

  // Stop everything on the first fatal error (401) or on the caller's signal.
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const signal = controller.signal;

  let outOfCredits = false;
  try {
    const io = pLimit(RESTORE_CONCURRENCY);
    await Promise.all(
      plan.items
        .filter((i) => i.action.type === 'adopt' || i.action.type === 'restore')
        .map((item) => io(() => restoreOne(project, store, lockWriter, item, signal, emit, summary, failures))),
    );

    if (api) {
      const session = api;
      const concurrency = options.concurrency ?? project.config.concurrency;
      const limit = pLimit(concurrency);
      const { rateLimit, poll } = project.config.api;
      const ctx: GenerateContext = {
        project,
        store,
        lockWriter,
        client: session.client,
        // The offline simulator has no rate limit worth respecting.
        limiter: offline
          ? createRateLimiter({ requests: 1_000, intervalMs: 1_000 })
          : createRateLimiter({ requests: rateLimit.requests, intervalMs: rateLimit.intervalSeconds * 1000 }),
        schedule: offline
          ? { initialMs: 5, maxMs: 50, timeoutMs: DEFAULT_POLL_SCHEDULE.timeoutMs }
          : { initialMs: poll.initialSeconds * 1000, maxMs: poll.maxSeconds * 1000, timeoutMs: poll.timeoutSeconds * 1000 },
        baseUrl: session.baseUrl,
        offline,
        signal,
        emit,
        shouldStopSubmitting: () => outOfCredits,
      };
      await Promise.all(
        paid.map((item) =>
          limit(async () => {
            if (signal.aborted) return;
            const { asset } = item;
            let outcome;
            try {
              outcome = await generateAsset(ctx, item);
            } catch (error) {
              if (error instanceof ApiError && error.code === 'E_API_AUTH') controller.abort(error);
              throw error;
            }
            if (outcome.ok) {
              summary.generated++;
              // The offline simulator's "credits" are make-believe: nothing was paid.
              const credits = offline ? undefined : outcome.credits;
              summary.creditsUsed += credits ?? 0;
              emit({
                type: 'generated',
                asset: asset.id,
                out: asset.out,
                taskId: outcome.taskId,
                bytes: outcome.bytes,
                credits,
                placeholder: offline,
              });
              return;
            }
            if (outcome.error.code === 'E_API_CREDITS') outOfCredits = true;
            if (outcome.notStarted) {
              summary.notStarted++;
              failures.push({ asset: asset.id, out: asset.out, code: outcome.error.code, message: outcome.error.message, maybeCharged: false });
              return;
            }
            summary.failed++;
            if (outcome.maybeCharged) summary.possibleDuplicateCharges++;
            failures.push({
              asset: asset.id,
              out: asset.out,
              code: outcome.error.code,
              message: outcome.error.message,
              taskId: outcome.taskId,
              maybeCharged: outcome.maybeCharged,
            });
            emit({
              type: 'failed',
              asset: asset.id,
              out: asset.out,
              code: outcome.error.code,
              message: outcome.error.message,
              taskId: outcome.taskId,
              maybeCharged: outcome.maybeCharged,
            });
          }),
        ),
      );
    }
    if (signal.aborted) throw abortError(signal);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Whatever happened, keep what was done: the lock and the stat index describe finished work.
    await lockWriter.flush();
    await store.statIndex.save();
    await api?.close();
  }
  return finish();
}

/** An up-to-date asset whose `id` changed still gets its lock entry updated (no other effect). */
function refreshLockEntry(lockWriter: LockWriter, item: PlannedAsset): void {
  const entry = lockWriter.lock.assets[item.asset.out];
  if (entry && entry.id !== item.asset.id) lockWriter.set(item.asset.out, { ...entry, id: item.asset.id });
}

async function restoreOne(
  project: Project,
  store: ProjectStore,
  lockWriter: LockWriter,
  item: PlannedAsset,
  signal: AbortSignal,
  emit: (event: BuildEvent) => void,
  summary: BuildSummary,
  failures: AssetFailure[],
): Promise<void> {
  const { asset, action } = item;
  const dest = outputPath(project, asset.out);
  const entryBase = { id: asset.id, kind: asset.kind, model: asset.model, input: asset.input, specHash: item.specHash };
  if (action.type === 'adopt') {
    const taskId = (await store.cache.lookup(item.specHash))?.taskId;
    lockWriter.set(asset.out, { ...entryBase, contentHash: action.contentHash, size: action.size, ...(taskId ? { taskId } : {}) });
    summary.restored++;
    emit({ type: 'adopted', asset: asset.id, out: asset.out });
    return;
  }
  if (action.type !== 'restore') return;
  try {
    if (action.source.kind === 'cache') {
      const record = await store.cache.lookup(item.specHash);
      if (!record || !(await store.cache.copyTo(item.specHash, dest, signal))) {
        throw new KieaudioError('E_IO', 'the cache entry was missing or damaged; run the build again to generate it');
      }
      await store.statIndex.record(asset.out, dest, record.contentHash);
      lockWriter.set(asset.out, { ...entryBase, contentHash: record.contentHash, size: record.size, ...(record.taskId ? { taskId: record.taskId } : {}) });
      summary.restored++;
      emit({ type: 'restored', asset: asset.id, out: asset.out, from: 'cache', bytes: record.size });
    } else {
      const source = outputPath(project, action.source.out);
      const size = await copyVerified(source, dest, action.source.contentHash, signal);
      if (size === undefined) throw new KieaudioError('E_IO', `${action.source.out} changed while it was copied; run the build again`);
      const sourceEntry = lockWriter.lock.assets[action.source.out];
      await store.statIndex.record(asset.out, dest, action.source.contentHash);
      lockWriter.set(asset.out, { ...entryBase, contentHash: action.source.contentHash, size, ...(sourceEntry?.taskId ? { taskId: sourceEntry.taskId } : {}) });
      summary.restored++;
      emit({ type: 'restored', asset: asset.id, out: asset.out, from: action.source.out, bytes: size });
    }
  } catch (error) {
    if (signal.aborted) return;
    const e = error instanceof KieaudioError ? error : new KieaudioError('E_IO', (error as Error).message, { cause: error });
    summary.failed++;
    failures.push({ asset: asset.id, out: asset.out, code: e.code, message: e.message, maybeCharged: false });
    emit({ type: 'failed', asset: asset.id, out: asset.out, code: e.code, message: e.message });
  }
}
