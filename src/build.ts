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
import { loadSelected, type CommonOptions } from './prepare.js';
import { withPollBudget } from './paced-client.js';
import { acquireBuildLock } from './store/build-lock.js';
import { assertInsideOutDir } from './store/out-dir-guard.js';
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
  /** when another build holds the project, wait for it (default) or fail with E_LOCKED */
  wait?: boolean;
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
  const { project, env, selected, openStore } = await loadSelected(options);
  for (const w of project.warnings) {
    emit({ type: 'warning', code: w.code, message: w.message, file: w.file, line: w.line, col: w.col, ...(w.asset ? { asset: w.asset } : {}) });
  }

  // The build lock comes before the state is read: a second build must see what the first did.
  const buildLock = options.frozen
    ? undefined
    : await acquireBuildLock(project.config.stateDir, {
        wait: options.wait !== false,
        ...(options.signal ? { signal: options.signal } : {}),
        onWait: (holder) => emit({ type: 'waiting-for-lock', pid: holder.pid, host: holder.host, since: holder.startedAt }),
      });
  // Until the first write, a failing build (no key: exit 2) leaves the project as it was.
  let writing = false;
  try {
    return await buildLocked();
  } finally {
    await buildLock?.release({ tidy: !writing });
  }

  async function buildLocked(): Promise<BuildResult> {
    const store = await openStore();
    const gathered = await gatherState(project, store, selected, { baseUrl: project.config.api.baseUrl, offline });
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
      if (item.action.type === 'up-to-date') summary.upToDate++;
      if (item.action.type === 'keep-modified') {
        summary.kept++;
        emit({ type: 'kept', asset: item.asset.id, out: item.asset.out, reason: item.reason });
      }
    }
    if (options.frozen) return finish(); // --frozen reports; it writes nothing, not even an id change

    const paid = plan.items.filter((i) => i.action.type === 'generate' || i.action.type === 'resume');
    // Before anything is written: a missing key must leave the project untouched (exit 2).
    const api = paid.length > 0 ? await openApi({ project, env, offline }) : undefined;
    writing = true;

    const lockWriter = createLockWriter(store.lockPath, store.lock, store.lockText);
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const signal = controller.signal;
    const inFlight: GenerateContext['inFlight'] = new Map();

    try {
      for (const item of plan.items) if (item.action.type === 'up-to-date') refreshLockEntry(lockWriter, item);
      for (const entry of gathered.deadJournal) await store.journal.remove(entry.specHash);
      for (const entry of gathered.lostCreates) {
        // Reported once, here; the entry goes, and the asset is planned like any other.
        summary.possibleDuplicateCharges++;
        emit({
          type: 'warning',
          code: 'W_MAYBE_CHARGED',
          message: `an interrupted build sent a create request for ${entry.out} at ${entry.createdAt} and stopped before the answer was recorded: that task may have been charged, and cannot be found again`,
        });
        await store.journal.remove(entry.specHash);
      }

      const io = pLimit(RESTORE_CONCURRENCY);
      await Promise.all(
        plan.items
          .filter((i) => i.action.type === 'adopt' || i.action.type === 'restore')
          .map((item) => io(() => restoreOne(project, store, lockWriter, item, signal, emit, summary, failures))),
      );

      if (api) {
        await generateAll({ project, store, lockWriter, api, paid, signal, controller, emit, summary, failures, inFlight, offline, concurrency: options.concurrency });
      }
      if (signal.aborted) throw abortError(signal);
    } catch (error) {
      if (inFlight.size > 0 || signal.aborted) {
        const reason = error instanceof Error ? error.message : String(error);
        emit({ type: 'interrupted', reason, inFlight: [...inFlight.values()] });
      }
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever happened, keep what was done: the lock and the stat index describe finished work.
      await lockWriter.flush();
      await store.statIndex.save();
      await api?.close();
    }
    return finish();
  }
}

async function generateAll(args: {
  project: Project;
  store: ProjectStore;
  lockWriter: LockWriter;
  api: ApiSession;
  paid: PlannedAsset[];
  signal: AbortSignal;
  controller: AbortController;
  emit: (event: BuildEvent) => void;
  summary: BuildSummary;
  failures: AssetFailure[];
  inFlight: GenerateContext['inFlight'];
  offline: boolean;
  concurrency: number | undefined;
}): Promise<void> {
  const { project, api, paid, signal, controller, emit, summary, failures, offline } = args;
  const { rateLimit, pollRateLimit, poll } = project.config.api;
  let outOfCredits = false;
  const ctx: GenerateContext = {
    project,
    store: args.store,
    lockWriter: args.lockWriter,
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
    baseUrl: api.baseUrl,
    offline,
    signal,
    emit,
    shouldStopSubmitting: () => outOfCredits,
    inFlight: args.inFlight,
  };
  const limit = pLimit(args.concurrency ?? project.config.concurrency);

  await Promise.all(
    paid.map((item) =>
      limit(async () => {
        if (signal.aborted) return;
        const { asset } = item;
        let outcome;
        try {
          outcome = await generateAsset(ctx, item);
        } catch (error) {
          // A refused key stops everything at once; other workers see the aborted signal.
          if (error instanceof ApiError && error.code === 'E_API_AUTH') controller.abort(error);
          if (signal.aborted) return;
          throw error;
        }
        summary.possibleDuplicateCharges += outcome.possibleDuplicates;
        const maybeCharged = outcome.possibleDuplicates > 0;
        if (outcome.ok) {
          summary.generated++;
          // The offline simulator's "credits" are make-believe: nothing was paid.
          const credits = offline ? undefined : outcome.credits;
          summary.creditsUsed += credits ?? 0;
          emit({ type: 'generated', asset: asset.id, out: asset.out, taskId: outcome.taskId, bytes: outcome.bytes, credits, placeholder: offline });
          return;
        }
        const { error } = outcome;
        if (error.code === 'E_API_CREDITS' && !outOfCredits) {
          outOfCredits = true;
          const left = paid.length - summary.generated - summary.failed - summary.notStarted;
          emit({
            type: 'warning',
            code: 'W_NO_CREDITS',
            message: `kie.ai says the account has no credits left: no new tasks will be submitted (${left} asset${left === 1 ? '' : 's'} still to do); tasks already running will finish. Top up, then run kieaudio build again.`,
          });
        }
        const failure = { asset: asset.id, out: asset.out, code: error.code, message: error.message, maybeCharged };
        if (outcome.notStarted) {
          summary.notStarted++;
          failures.push(failure);
          emit({ type: 'failed', ...failure });
          return;
        }
        summary.failed++;
        failures.push({ ...failure, taskId: outcome.taskId });
        emit({ type: 'failed', ...failure, taskId: outcome.taskId });
      }),
    ),
  );
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
    await assertInsideOutDir(project.config.outDir, dest);
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
