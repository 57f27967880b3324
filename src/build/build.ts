/**
 * `build`: load the project, decide what each asset needs (plan), then do it — restores from the
 * cache first (free), generations under the concurrency limit and the shared rate limiter. The
 * lock, the stat index and the journal are kept current as assets finish, so an interruption
 * keeps everything that was done and paid for.
 */
import { setMaxListeners } from 'node:events';
import { abortError, messageOf } from '../errors.js';
import type { BuildEvent, BuildSummary } from '../events.js';
import type { GenerateContext } from './generate.js';
import { gatherState, type GatheredState } from '../plan/gather.js';
import { stateFolders, sweepKilledBuildTemps } from '../store/killed-build-temps.js';
import { createLockWriter, type LockWriter } from '../store/lock-writer.js';
import { planBuild, type Plan, type PlannedAsset } from '../plan/decide.js';
import { loadSelected, type CommonOptions } from '../spec/prepare.js';
import type { Project } from '../project.js';
import { restoreAll, type AssetFailure, type InstallContext } from './restore.js';
import { sweepStaleTemps } from '../store/atomic-write.js';
import { acquireBuildLock } from '../store/build-lock.js';
import { createOutFolders } from '../store/out-dir-guard.js';

export type { AssetFailure } from './restore.js';

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
  /**
   * Stops the build: no new submissions, downloads abandoned, tasks in flight left in the journal.
   * A create request already sent is not abandoned: its answer (up to the request timeout) is what
   * lets the next build resume the task instead of paying for it again.
   */
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
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
  const { project, env, selected, openStore, saveParseCache } = await loadSelected(options);
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
    // A build that died holding the lock may have left temp files where this one writes nothing.
    // Swept first, so that a build that stops early (no key, a broken lock file) does not leave
    // them for good: the next one would not know a build had died. Only dead processes' go.
    if (buildLock?.tookOverFromDeadBuild) await sweepKilledBuildTemps(project);
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
    // The API client and its HTTP stack load only when something must be paid for: a no-op
    // build, the common case, never pays their start-up cost.
    const api = paid.length > 0 ? await (await import('./api-session.js')).openApi({ project, env, offline }) : undefined;
    writing = true;

    const lockWriter = createLockWriter(store.lockPath, store.lock, store.lockText);
    const controller = new AbortController();
    // one listener per operation in flight: hundreds are expected, not a leak
    setMaxListeners(0, controller.signal);
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const signal = controller.signal;
    const inFlight: GenerateContext['inFlight'] = new Map();
    const ctx: InstallContext = {
      project,
      store,
      lockWriter,
      signal,
      emit,
      summary,
      failures,
      outFolders: createOutFolders(project.config.outDir),
      cacheFolders: createOutFolders(project.config.cacheDir),
    };

    try {
      // Temp files of killed builds beside the config and in the state folder (output and cache
      // folders are swept as they are written to).
      for (const folder of stateFolders(project)) await sweepStaleTemps(folder);
      for (const entry of gathered.finishedJournal) await store.journal.remove(entry.specHash);
      for (const item of plan.items) if (item.action.type === 'up-to-date') refreshLockEntry(lockWriter, item);
      reportJournal(gathered, summary, emit);
      for (const entry of gathered.lostCreates) await store.journal.remove(entry.specHash);

      await restoreAll(ctx, plan.items);
      if (api) {
        const { generateAll } = await import('./generate-all.js');
        await generateAll(ctx, {
          api,
          paid,
          followers: plan.items.filter((i) => i.action.type === 'restore' && i.action.source.kind === 'pending'),
          offline,
          concurrency: options.concurrency ?? project.config.concurrency,
          abort: (reason) => controller.abort(reason),
          inFlight,
        });
      }
      if (signal.aborted) throw abortError(signal);
    } catch (error) {
      if (inFlight.size > 0) {
        const reason = messageOf(error);
        emit({ type: 'interrupted', reason, inFlight: [...inFlight.values()] });
      }
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever happened, keep what was done: the lock and the stat index describe finished work.
      await lockWriter.flush();
      await store.statIndex.save();
      await api?.close();
      // Only saves time next build: failing to write it must not fail (or mask the error of) this one.
      await saveParseCache().catch(() => undefined);
    }
    return finish();
  }
}

/** An up-to-date asset whose `id` changed still gets its lock entry updated (no other effect). */
function refreshLockEntry(lockWriter: LockWriter, item: PlannedAsset): void {
  const entry = lockWriter.lock.assets[item.asset.out];
  if (entry && entry.id !== item.asset.id) lockWriter.set(item.asset.out, { ...entry, id: item.asset.id });
}

/** What the journal says about earlier builds that this one cannot fix, said once. */
function reportJournal(gathered: GatheredState, summary: BuildSummary, emit: (event: BuildEvent) => void): void {
  for (const entry of gathered.lostCreates) {
    summary.possibleDuplicateCharges++;
    emit({
      type: 'warning',
      code: 'W_MAYBE_CHARGED',
      message: `an interrupted build sent a create request for ${entry.out} at ${entry.createdAt} and stopped before the answer was recorded: that task may have been charged, and cannot be found again`,
    });
  }
  const foreign = new Set(gathered.foreignJournal.map((e) => e.baseUrl));
  for (const baseUrl of foreign) {
    const count = gathered.foreignJournal.filter((e) => e.baseUrl === baseUrl).length;
    emit({
      type: 'warning',
      code: 'W_FOREIGN_TASKS',
      message: `${count} task${count === 1 ? '' : 's'} created on ${baseUrl} ${count === 1 ? 'is' : 'are'} still in the journal; a build against that API resumes ${count === 1 ? 'it' : 'them'}`,
    });
  }
}
