/**
 * `clean`: deletes orphaned outputs — files kieaudio generated for assets that are no longer
 * declared, and only while they still hold what kieaudio wrote — and drops their lock entries.
 * With `cache`, also deletes cache entries that no declared asset and no lock entry uses, with
 * their takes (every take of a spec in use is kept: store/takes.ts). Also
 * deletes the temp files killed builds left in output folders and the cache, also where no build
 * writes any more (a build sweeps the folders it writes to, and all of them only when it takes
 * over a dead build's lock).
 */
import { rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BuildEvent } from '../events.js';
import { type Orphan, planBuild, planOptions } from '../plan/decide.js';
import { gatherState } from '../plan/gather.js';
import { gatherScenes, hasScenes } from '../plan/scene-facts.js';
import { planScenes, type SceneOrphan } from '../plan/scene-plan.js';
import type { Project } from '../project.js';
import { specHashOf } from '../spec/hash.js';
import { type CommonOptions, loadSelected } from '../spec/prepare.js';
import { acquireBuildLock } from '../store/build-lock.js';
import { strayTimings } from '../store/cache-timings.js';
import { sweepKilledBuildTemps } from '../store/killed-build-temps.js';
import type { LockEntry } from '../store/lock-file.js';
import { createLockWriter } from '../store/lock-writer.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import { undeclaredUnanswered } from './plan.js';
import { pruneDerived } from './prune-derived.js';

export interface CleanOptions extends Omit<CommonOptions, 'only' | 'offline'> {
  /** also prune unused cache entries */
  cache?: boolean;
  /** report only */
  dryRun?: boolean;
  /** when a build holds the project, wait for it (default) or fail with E_LOCKED */
  wait?: boolean;
  /** stops waiting for a build */
  signal?: AbortSignal;
  /** `waiting-for-lock` while a build holds the project, as a second build reports it */
  onEvent?: (event: BuildEvent) => void;
}

export interface CleanResult {
  /** output paths deleted (or that would be, with dryRun) */
  removed: string[];
  /** orphans left because their content changed since kieaudio wrote them */
  keptModified: string[];
  /** lock entries dropped whose file was already gone */
  forgotten: string[];
  cacheEntriesRemoved: number;
  /** temp files of killed builds deleted (or found, with dryRun) in output folders and the cache */
  tempFilesRemoved: number;
  /**
   * unanswered create requests forgotten (or that would be) whose spec no asset declares any more:
   * each may have been charged, and no build would ever hold or resend it
   */
  unansweredForgotten: number;
}

export async function clean(options: CleanOptions = {}): Promise<CleanResult> {
  const { project, openStore } = await loadSelected(options);
  // A build running now may be about to record one of these files: wait for it, and say so.
  const buildLock = options.dryRun
    ? undefined
    : await acquireBuildLock(project.config.stateDir, {
        wait: options.wait !== false,
        ...(options.signal ? { signal: options.signal } : {}),
        onWait: (holder) => options.onEvent?.({ type: 'waiting-for-lock', pid: holder.pid, host: holder.host, since: holder.startedAt }),
      });
  try {
    return await cleanLocked(project, await openStore(), options);
  } finally {
    await buildLock?.release();
  }
}

/**
 * An orphan's sidecars (timings, subtitles) go with its audio — deleted, or already gone — each
 * only while it holds what kieaudio wrote; one edited since is kept and named, like an edited output.
 */
async function cleanSidecars(
  project: Project,
  store: ProjectStore,
  entry: Pick<LockEntry, 'sidecars'>,
  result: CleanResult,
  dryRun: boolean,
): Promise<void> {
  for (const [out, hash] of Object.entries(entry.sidecars ?? {})) {
    const state = await store.statIndex.check(out, outputPath(project, out));
    if (!state.exists) continue;
    if (state.contentHash !== hash) {
      result.keptModified.push(out);
      continue;
    }
    result.removed.push(out);
    if (dryRun) continue;
    await rm(outputPath(project, out), { force: true });
    store.statIndex.forget(out);
  }
}

/**
 * Orphaned outputs (and scene files no scene declares any more) that still hold what kieaudio
 * wrote are deleted, those already gone forgotten, each with its sidecars and lock entry
 * (`dropEntry`); an edited one is kept, its sidecars and entry with it.
 */
async function cleanOrphans(
  project: Project,
  store: ProjectStore,
  o: {
    orphans: readonly (Orphan | SceneOrphan)[];
    dropEntry: (out: string) => void;
    result: CleanResult;
    dryRun: boolean;
  },
): Promise<void> {
  const { result, dryRun } = o;
  for (const orphan of o.orphans) {
    if (orphan.exists && !orphan.intact) {
      result.keptModified.push(orphan.out);
      continue;
    }
    await cleanSidecars(project, store, orphan.entry, result, dryRun);
    (orphan.intact ? result.removed : result.forgotten).push(orphan.out);
    if (dryRun) continue;
    if (orphan.intact) await rm(outputPath(project, orphan.out), { force: true });
    o.dropEntry(orphan.out);
    store.statIndex.forget(orphan.out);
  }
}

async function cleanLocked(project: Project, store: ProjectStore, options: CleanOptions): Promise<CleanResult> {
  const gathered = await gatherState(project, store, [], { baseUrl: project.config.api.baseUrl, offline: false });
  const { orphans } = planBuild([], store.lock, gathered.orphanOutputs, planOptions({}));
  const result: CleanResult = {
    removed: [],
    keptModified: [],
    forgotten: [],
    cacheEntriesRemoved: 0,
    tempFilesRemoved: 0,
    unansweredForgotten: 0,
  };
  const lockWriter = createLockWriter(store.lockPath, store.lock, store.lockDigest);
  await cleanOrphans(project, store, { orphans, dropEntry: (out) => lockWriter.delete(out), result, dryRun: options.dryRun === true });
  if (hasScenes(project, store.lock)) {
    const scenes = planScenes(await gatherScenes(project, store), store.lock, [], false);
    await cleanOrphans(project, store, {
      orphans: scenes.orphans,
      dropEntry: (out) => lockWriter.deleteScene(out),
      result,
      dryRun: options.dryRun === true,
    });
  }

  if (options.cache) await pruneCache(project, store, result, options.dryRun === true);
  if (options.cache) result.cacheEntriesRemoved += await pruneDerived(store, result.removed, options.dryRun === true);
  const leftovers = undeclaredUnanswered(project, gathered.journal.unanswered);
  result.unansweredForgotten = leftovers.length;
  if (!options.dryRun) for (const u of leftovers) await store.journal.remove(u.specHash);
  result.tempFilesRemoved = await sweepKilledBuildTemps(project, Object.keys(store.lock.assets), { dryRun: options.dryRun === true });

  if (!options.dryRun) {
    await lockWriter.flush();
    await store.statIndex.save();
  }
  return result;
}

/**
 * `clean --cache`: the entries of specs no longer used (by a declared asset or a lock entry that
 * stays) go, with everything kept beside them; timing data left without an entry goes too.
 */
async function pruneCache(project: Project, store: ProjectStore, result: CleanResult, dryRun: boolean): Promise<void> {
  const used = new Set(project.assets.map(specHashOf));
  for (const [out, entry] of Object.entries(store.lock.assets)) {
    if (!result.removed.includes(out)) used.add(entry.specHash);
  }
  // Every take of a spec in use stays (the pinned one, and the earlier ones to go back to); the
  // takes of other specs are pruned with them, their index too.
  const cached = await store.cache.list();
  for (const hash of [...used]) for (const key of await store.takes.keys(hash)) used.add(key);
  for (const hash of await store.takes.indexed()) if (!used.has(hash) && !dryRun) await store.takes.forget(hash);
  const shards = new Set<string>();
  for (const hash of cached) {
    if (used.has(hash)) continue;
    result.cacheEntriesRemoved++;
    if (dryRun) continue;
    await store.cache.remove(hash);
    shards.add(dirname(store.cache.dataPath(hash)));
  }
  if (!dryRun) {
    const kept = new Set(cached.filter((hash) => used.has(hash)));
    for (const file of await strayTimings(store.cache, kept)) {
      await rm(file, { force: true });
      shards.add(dirname(file));
    }
  }
  // shards left empty go too (rmdir refuses one that still holds anything); no build can be
  // writing into one: clean holds the build lock
  for (const shard of shards) await rmdir(shard).catch(() => undefined);
}
