/**
 * Before paying: the assets the plan would generate are looked for in the team cache, and every
 * one found is put into the local cache (fetchEntry), with the output derived from it when it has
 * a post: chain; the build then plans again, and those assets are restores like any other. What
 * could not be looked up (a server down or slow, an HTTP error, a bad blob) is counted, said once
 * in a warning, and generated — or, with `required`, failed before anything is paid for.
 */
import { messageOf } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { PlannedAsset } from '../plan/decide.js';
import type { ResolvedAsset } from '../project.js';
import { RemoteCacheError } from '../remote/remote-error.js';
import { derivedKey } from '../store/derived-key.js';
import type { ProjectStore } from '../store/project-store.js';
import { linkedSignal } from './linked-signal.js';
import { fetchEntry } from './remote-entry.js';
import type { RemoteSession } from './remote-session.js';

export interface RemoteFill {
  /** spec hashes now in the local cache */
  filled: Set<string>;
  /** spec hashes the team cache could not be read for, and why */
  unreadable: Map<string, string>;
}

export interface FillOptions {
  session: RemoteSession;
  store: ProjectStore;
  /** the plan's `generate` items */
  items: readonly PlannedAsset[];
  /** the ffmpeg this build processes with (derived outputs are keyed by it) */
  ffmpeg: string | undefined;
  signal: AbortSignal | undefined;
  emit: (event: BuildEvent) => void;
}

export async function fillFromRemote(options: FillOptions): Promise<RemoteFill> {
  const fill: RemoteFill = { filled: new Set(), unreadable: new Map() };
  const first = new Map<string, PlannedAsset>();
  for (const item of options.items) if (!first.has(item.specHash)) first.set(item.specHash, item);
  const linked = linkedSignal(options.signal);
  try {
    await Promise.all([...first.values()].map((item) => fillOne(options, fill, item, linked.signal)));
  } finally {
    linked.release();
  }
  const n = fill.unreadable.size;
  if (n > 0) {
    const why = [...fill.unreadable.values()][0] ?? '';
    const then = options.session.required ? 'they fail rather than be paid for (cache.remote.required)' : 'they are generated instead';
    options.emit({
      type: 'warning',
      code: 'W_REMOTE_CACHE',
      message: `the team cache could not be read for ${n} asset${n === 1 ? '' : 's'}: ${why}; ${then}`,
    });
  }
  return fill;
}

async function fillOne(options: FillOptions, fill: RemoteFill, item: PlannedAsset, signal: AbortSignal): Promise<void> {
  const { session, store, emit } = options;
  const ref = { asset: item.asset.id, out: item.asset.out };
  try {
    const record = await fetchEntry(session.remote, store.cache, item.specHash, signal);
    if (record === undefined) {
      emit({ type: 'remote', ...ref, op: 'miss', what: 'take' });
      return;
    }
    fill.filled.add(item.specHash);
    emit({ type: 'remote', ...ref, op: 'hit', what: 'take' });
  } catch (error) {
    if (signal.aborted || !(error instanceof RemoteCacheError)) throw error;
    fill.unreadable.set(item.specHash, error.message);
    emit({ type: 'remote', ...ref, op: 'error', what: 'take', message: error.message });
    return;
  }
  await fillDerived(options, item.asset, fill.filled.has(item.specHash) ? item.specHash : undefined, signal);
}

/** The derived output, when the raw take came from the team cache: saves an ffmpeg run, and is never a reason to pay. */
async function fillDerived(options: FillOptions, asset: ResolvedAsset, specHash: string | undefined, signal: AbortSignal): Promise<void> {
  if (specHash === undefined || asset.post === undefined || options.ffmpeg === undefined) return;
  const raw = await options.store.cache.lookup(specHash);
  if (raw === undefined) return;
  const key = derivedKey(raw.contentHash, asset.post, options.ffmpeg);
  if ((await options.store.derived.lookup(key)) !== undefined) return;
  const ref = { asset: asset.id, out: asset.out };
  try {
    const found = await fetchEntry(options.session.remote, options.store.derived, key, signal);
    if (found !== undefined) options.emit({ type: 'remote', ...ref, op: 'hit', what: 'derived' });
  } catch (error) {
    if (signal.aborted || !(error instanceof RemoteCacheError)) throw error;
    options.emit({ type: 'remote', ...ref, op: 'error', what: 'derived', message: messageOf(error) });
  }
}
