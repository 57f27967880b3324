/**
 * `kieaudio pin ID TAKE` installs one of an asset's takes at `out` and records the pin in the lock:
 * builds keep that take while the spec is unchanged (and restore it, not the newest, if `out` goes
 * missing). `kieaudio unpin ID` drops the pin and installs the newest take, as a build without a
 * pin would have it. Both hold the project's build lock, and leave a file at `out` that kieaudio
 * did not write (or that was edited since) alone unless `force`.
 */

import { installTake, releasePin } from '../build/install-take.js';
import { KieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { Project } from '../project.js';
import { findAsset } from '../spec/find-asset.js';
import type { CommonOptions } from '../spec/prepare.js';
import { loadSelected } from '../spec/prepare.js';
import { acquireBuildLock } from '../store/build-lock.js';
import type { ProjectStore } from '../store/project-store.js';
import { type KnownTakes, readTakes } from './asset-takes.js';

export interface PinOptions extends Omit<CommonOptions, 'only' | 'offline'> {
  /** the asset's id or out path */
  id: string;
  /** replace a file at `out` that kieaudio did not write or that was edited since */
  force?: boolean;
  /** when a build holds the project, wait for it (default) or fail with E_LOCKED */
  wait?: boolean;
  signal?: AbortSignal;
  /** `waiting-for-lock` while a build holds the project; a warning about a sidecar left alone */
  onEvent?: (event: BuildEvent) => void;
}

export interface PinResult {
  asset: string;
  out: string;
  /** the take now at `out`, pinned */
  take: number;
}

export interface UnpinResult {
  asset: string;
  out: string;
  /** the take now at `out`, when it is one of the spec's takes */
  take?: number | undefined;
  /** the take that was pinned, if one was */
  released?: number | undefined;
}

/** Installs take `take` of the asset at `out` and pins it. */
export async function pin(options: PinOptions & { take: number }): Promise<PinResult> {
  return withTakes(options, async (project, store, known) => {
    const take = known.rows.find((t) => t.n === options.take);
    if (take === undefined) throw new KieaudioError('E_USAGE', `${known.asset.id} has no take ${options.take}; ${describeTakes(known)}`);
    if (take.placeholder)
      throw new KieaudioError('E_USAGE', `take ${take.n} of ${known.asset.id} is an --offline placeholder, which cannot be pinned`);
    const location = known.locations.get(take.n);
    if (location === undefined) {
      throw new KieaudioError(
        'E_IO',
        `take ${take.n} of ${known.asset.id} is missing from the cache (deleted or damaged); nothing was changed`,
      );
    }
    // a take known only from the cache or the lock gets its number in the take index now
    const { current: _c, pinned: _p, missing: _m, n: _n, ...recorded } = take;
    const numbered = await store.takes.record(known.specHash, recorded);
    await installTake({
      project,
      store,
      asset: known.asset,
      specHash: known.specHash,
      take: numbered,
      location,
      pin: true,
      ...installOptions(options),
    });
    return { asset: known.asset.id, out: known.asset.out, take: numbered.n };
  });
}

/** Drops the asset's pin and installs its newest take whose audio the cache has. */
export async function unpin(options: PinOptions): Promise<UnpinResult> {
  return withTakes(options, async (project, store, known) => {
    const { asset } = known;
    const pinned = known.rows.find((t) => t.pinned);
    const newest = [...known.rows].reverse().find((t) => known.locations.has(t.n));
    const current = known.rows.find((t) => t.current)?.n;
    if (pinned === undefined) return { asset: asset.id, out: asset.out, take: current };
    const location = newest === undefined ? undefined : known.locations.get(newest.n);
    if (newest === undefined || location === undefined || newest.n === pinned.n) {
      await releasePin(store, asset.out);
      return { asset: asset.id, out: asset.out, take: current, released: pinned.n };
    }
    await installTake({ project, store, asset, specHash: known.specHash, take: newest, location, pin: false, ...installOptions(options) });
    return { asset: asset.id, out: asset.out, take: newest.n, released: pinned.n };
  });
}

async function withTakes<T>(options: PinOptions, fn: (project: Project, store: ProjectStore, known: KnownTakes) => Promise<T>): Promise<T> {
  const { project, openStore } = await loadSelected({ ...options, only: [] });
  findAsset(project.assets, options.id); // an unknown id is said at once, not after waiting for a build
  const buildLock = await acquireBuildLock(project.config.stateDir, {
    wait: options.wait !== false,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (holder) => options.onEvent?.({ type: 'waiting-for-lock', pid: holder.pid, host: holder.host, since: holder.startedAt }),
  });
  try {
    const store = await openStore();
    return await fn(project, store, await readTakes(project, store, options.id));
  } finally {
    await buildLock.release();
  }
}

function installOptions(options: PinOptions) {
  return { force: options.force === true, signal: options.signal, onWarning: options.onEvent };
}

function describeTakes(known: KnownTakes): string {
  if (known.rows.length === 0) return 'it has no takes yet (kieaudio build makes the first)';
  const numbers = known.rows.map((t) => t.n);
  return `its take${numbers.length === 1 ? ' is' : 's are'} ${numbers.join(', ')} (kieaudio takes ${known.asset.id})`;
}
