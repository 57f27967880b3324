/**
 * Carrying out a plan: the journal tidied and reported, every free restore, then the paid work.
 * Whatever happens — an interruption, a refused key, a failing disk — what was finished is kept:
 * the lock and the stat index are written on the way out, and tasks still in flight are named
 * (they stay in the journal for the next build).
 */
import { setMaxListeners } from 'node:events';
import { abortError, messageOf } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { Plan, PlannedAsset } from '../plan/decide.js';
import type { GatheredState } from '../plan/gather.js';
import type { Project } from '../project.js';
import { sweepStaleTemps } from '../store/atomic-write.js';
import { stateFolders } from '../store/killed-build-temps.js';
import { createLockWriter, type LockWriter } from '../store/lock-writer.js';
import { createOutFolders } from '../store/out-dir-guard.js';
import type { ProjectStore } from '../store/project-store.js';
import type { ApiSession } from './api-session.js';
import type { BuildContext } from './context.js';
import { repairCacheRecords, reportUnrecoverable } from './damage-report.js';
import type { BudgetLimit, TaskInFlight } from './generate-context.js';
import { clearUnansweredRestored, tidyJournal } from './journal-upkeep.js';
import { restoreAll } from './restore.js';

export interface ExecuteOptions {
  project: Project;
  store: ProjectStore;
  plan: Plan;
  gathered: GatheredState;
  /** open when something must be paid for */
  api: ApiSession | undefined;
  /** the plan's `generate` and `resume` items */
  paid: readonly PlannedAsset[];
  emit: (event: BuildEvent) => void;
  offline: boolean;
  concurrency: number;
  /** --resend-unanswered (or --regenerate with --only) */
  resendUnanswered: boolean;
  /** --max-credits (or budget.maxCredits) and each paid spec's estimate; absent: no limit */
  budget?: BudgetLimit | undefined;
  signal: AbortSignal | undefined;
  saveParseCache(): Promise<void>;
  /** --force: a scene file kieaudio did not write (or that was edited since) is replaced */
  force?: boolean;
  /** no --only: every stale scene file is made, not only those of the lines planned (scene-file.ts) */
  everyScene?: boolean;
}

export async function executePlan(options: ExecuteOptions): Promise<void> {
  const { project, store, api } = options;
  const controller = new AbortController();
  // one listener per operation in flight: hundreds are expected, not a leak
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const ctx: BuildContext = {
    project,
    store,
    lockWriter: createLockWriter(store.lockPath, store.lock, store.lockDigest),
    signal: controller.signal,
    emit: options.emit,
    offline: options.offline,
    outFolders: createOutFolders(project.config.outDir),
    cacheFolders: createOutFolders(project.config.cacheDir),
  };
  const inFlight = new Map<string, TaskInFlight>();
  // First, not last: it depends only on the load, which is done, and once saved what it held is
  // let go for the rest of the build. Only saves time next build: failing to write it must not
  // fail this one.
  await options.saveParseCache().catch(() => undefined);
  try {
    await tidyState(ctx, options);
    await restoreAll(ctx, options.plan.items);
    await clearUnansweredRestored(ctx, options.gathered.journal.unanswered, options.plan);
    if (api) {
      const { generateAll } = await import('./generate-all.js');
      await generateAll(ctx, {
        api,
        paid: options.paid,
        followers: options.plan.items.filter((i) => i.action.type === 'restore' && i.action.source.kind === 'pending'),
        concurrency: options.concurrency,
        abort: (reason) => controller.abort(reason),
        inFlight,
        policy: { unanswered: options.gathered.journal.unanswered, resendUnanswered: options.resendUnanswered },
        budget: options.budget,
      });
    }
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    // after the lines' work: a scene file is made from the outputs now at their `out`
    if (ctx.project.scenes !== undefined) {
      const { buildScenes } = await import('./scene-file.js');
      const selected = options.everyScene ? 'all' : new Set(options.plan.items.map((i) => i.asset.out));
      await buildScenes(ctx, { selected, force: options.force === true });
    }
  } catch (error) {
    if (inFlight.size > 0) ctx.emit({ type: 'interrupted', reason: messageOf(error), inFlight: [...inFlight.values()] });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Whatever happened, keep what was done: the lock and the stat index describe finished work.
    await ctx.lockWriter.flush();
    // the store now describes the lock on disk: watch mode keeps it for the next build (store-memo.ts)
    store.lockDigest = ctx.lockWriter.digest();
    store.lockStat = ctx.lockWriter.writtenStat() ?? store.lockStat;
    await store.statIndex.save();
    await api?.close();
  }
}

/**
 * Before any work: temp files of killed builds beside the config and in the state folder (output
 * and cache folders are swept as they are written to), lock entries of up-to-date assets whose id
 * changed, and damaged cache records; the journal's part is in journal-upkeep.ts. Every asset paid
 * for again although the lock names its task is said once.
 */
async function tidyState(ctx: BuildContext, options: ExecuteOptions): Promise<void> {
  for (const folder of stateFolders(ctx.project)) await sweepStaleTemps(folder);
  for (const item of options.plan.items) if (item.action.type === 'up-to-date') refreshLockEntry(ctx.lockWriter, item);
  await repairCacheRecords(ctx, options.gathered.cacheRepairs, options.plan.items);
  reportUnrecoverable(ctx, options.plan.items);
  await tidyJournal(ctx, options.gathered.journal, options.plan);
}

/** An up-to-date asset whose `id` changed still gets its lock entry updated (no other effect). */
function refreshLockEntry(lockWriter: LockWriter, item: PlannedAsset): void {
  const entry = lockWriter.lock.assets[item.asset.out];
  if (entry && entry.id !== item.asset.id) lockWriter.set(item.asset.out, { ...entry, id: item.asset.id });
}
