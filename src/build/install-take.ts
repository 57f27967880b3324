/**
 * Installing one take of an asset at `out`, for `kieaudio pin` and `unpin`: through the build's
 * own restore from the cache (restore.ts), so that a take arrives exactly as a build brings any
 * cache entry back (atomically, verified, with whatever is kept beside it), and recorded in the
 * lock with its pin or without. Like a build, it never replaces a file at `out` that kieaudio did
 * not write, or that was edited since, unless forced.
 */
import { KieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { PlannedAsset } from '../plan/decide.js';
import { planSidecars, type SidecarPlan, sidecarPathsToCheck } from '../plan/sidecar-plan.js';
import type { Project, ResolvedAsset } from '../project.js';
import { createLockWriter } from '../store/lock-writer.js';
import { createOutFolders } from '../store/out-dir-guard.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import type { Take, TakeLocation } from '../store/takes.js';
import type { BuildContext } from './context.js';
import { restoreFromCache } from './restore.js';

export interface TakeInstall {
  project: Project;
  store: ProjectStore;
  asset: ResolvedAsset;
  specHash: string;
  take: Take;
  /** where the cache holds the take's audio (store/takes.ts `locate`) */
  location: TakeLocation;
  /** record the take as pinned */
  pin: boolean;
  /** replace a file at `out` that kieaudio did not write or that was edited since */
  force: boolean;
  signal?: AbortSignal | undefined;
  /** a build's warnings about the install (a hand-edited sidecar left alone) */
  onWarning?: ((event: Extract<BuildEvent, { type: 'warning' }>) => void) | undefined;
}

export async function installTake(o: TakeInstall): Promise<void> {
  const { project, store, asset, take, location } = o;
  await checkReplaceable(o);
  const source = location.key === o.specHash ? { kind: 'cache' as const } : { kind: 'cache' as const, key: location.key };
  const item: PlannedAsset = {
    asset,
    specHash: o.specHash,
    action: { type: 'restore', source },
    reason: `take ${take.n}`,
    ...(o.pin ? { pin: { take: take.n, contentHash: take.contentHash } } : {}),
  };
  const sidecars = await takeSidecars(o);
  if (sidecars !== undefined) item.sidecars = sidecars;
  const ctx: BuildContext = {
    project,
    store,
    lockWriter: createLockWriter(store.lockPath, store.lock, store.lockDigest),
    signal: o.signal ?? new AbortController().signal,
    emit: (event) => {
      if (event.type === 'warning') o.onWarning?.(event);
    },
    offline: false,
    outFolders: createOutFolders(project.config.outDir),
    cacheFolders: createOutFolders(project.config.cacheDir),
  };
  try {
    await restoreFromCache(ctx, item);
  } finally {
    await ctx.lockWriter.flush();
    await store.statIndex.save();
  }
}

/**
 * The take's sidecars, as a build plans them for audio installed anew: every one that is
 * kieaudio's is written again from the take's own timing data (build/timing-source.ts); hand
 * edits are left alone unless forced.
 */
async function takeSidecars(o: TakeInstall): Promise<SidecarPlan | undefined> {
  const { asset, store } = o;
  const entry = store.lock.assets[asset.out];
  const paths = sidecarPathsToCheck(asset, entry);
  if (paths.length === 0) return undefined;
  const states = new Map(
    await Promise.all(paths.map(async (out) => [out, await store.statIndex.check(out, outputPath(o.project, out))] as const)),
  );
  return planSidecars({ asset, states, entry }, true, o.force);
}

/** Drops the pin from `out`'s lock entry; the file and the rest of the entry stay as they are. */
export async function releasePin(store: ProjectStore, out: string): Promise<void> {
  const entry = store.lock.assets[out];
  if (entry?.pinned === undefined) return;
  const { pinned: _, ...rest } = entry;
  const lockWriter = createLockWriter(store.lockPath, store.lock, store.lockDigest);
  lockWriter.set(out, rest);
  await lockWriter.flush();
}

/** As a build decides (plan/decide.ts): a file kieaudio did not write is not replaced without --force, a folder never. */
async function checkReplaceable(o: TakeInstall): Promise<void> {
  const { asset, store } = o;
  const output = await store.statIndex.check(asset.out, outputPath(o.project, asset.out));
  if (!output.exists || output.contentHash === o.take.contentHash) return;
  if (output.contentHash === undefined) {
    throw new KieaudioError(
      'E_MODIFIED',
      `${asset.out}: a folder (or another non-file) is there; kieaudio never replaces one: move or remove it`,
    );
  }
  const entry = store.lock.assets[asset.out];
  if (o.force || (entry !== undefined && output.contentHash === entry.contentHash)) return;
  const why = entry ? 'was edited by hand' : 'exists but was not made by kieaudio';
  throw new KieaudioError('E_MODIFIED', `${asset.out} ${why}; left alone (use --force to replace it)`);
}
