/**
 * Deciding what a build must do for each asset, and why. Pure: the facts (lock, output files'
 * states, cache and journal contents) are gathered by the caller; this only reasons about them,
 * so `plan` and `build` can never disagree.
 */
import type { ActionType } from '../events.js';
import type { ResolvedAsset } from '../project.js';
import type { RecordRepair } from '../store/cache-repair.js';
import type { CacheRecord } from '../store/content-cache.js';
import type { ResumableTask } from '../store/journal.js';
import type { LockEntry, LockFile, LockPost } from '../store/lock-file.js';
import type { OutputState } from '../store/stat-index.js';
import type { DerivedAtOut } from './derived-at-out.js';
import type { UnansweredCreate } from './journal-facts.js';
import type { LockTask } from './lock-results.js';
import { describePostChange } from './post-change.js';
import { shareGenerations } from './share-generations.js';
import { planSidecars, planUpToDateSidecars, type SidecarPlan } from './sidecar-plan.js';
import { findSource } from './source.js';
import { translationNote } from './translation-note.js';
import { whyStale } from './why-stale.js';

export interface AssetFacts {
  asset: ResolvedAsset;
  specHash: string;
  output: OutputState;
  /** the cache's record for specHash, when there is one (looked up only when it can matter) */
  cached?: CacheRecord | undefined;
  /** a task for specHash that an earlier build created and did not finish */
  journal?: ResumableTask | undefined;
  /** the cache's record for specHash is damaged: rebuilt from its data (`cached` is then that record), or set aside */
  cacheRepair?: RecordRepair | undefined;
  /** the task the lock names for specHash: its result may be fetched from the API again when nothing local has it */
  lockTask?: LockTask | undefined;
  /** a create request for specHash that got no answer: it may have been charged */
  unanswered?: UnansweredCreate | undefined;
  /** the state of each sidecar the asset asks for or its lock entry records, by path (sidecar-plan.ts) */
  sidecars?: ReadonlyMap<string, OutputState> | undefined;
  /** `kieaudio pin`: the lock pins a take of this very spec; `cached` is then that take's record */
  pin?: Pin | undefined;
  /**
   * the cache entry `cached` describes, when it is not the main one: a pinned take, or the earlier
   * take a file at `out` that the lock does not record holds, kept under its own key
   */
  cacheKey?: string | undefined;
  /** a processed asset's file at `out` is the derived output of its raw take (a build killed before its lock write) */
  derived?: DerivedAtOut | undefined;
  /** the ffmpeg this build processes with (version.ts: ffmpegIdentity), when some asset has a chain and it was found */
  ffmpeg?: string | undefined;
}

/** A pinned take: its number (store/takes.ts) and its audio. */
export interface Pin {
  take: number;
  contentHash: string;
}

export interface PlanOptions {
  /** replace hand-edited or foreign files at `out` */
  force: boolean;
  /** ignore the cache and pay for a new take */
  regenerate: boolean;
  /** this build writes placeholders, so placeholders count as up to date */
  offline: boolean;
  /** send create requests that got no answer again (--resend-unanswered, or --regenerate with --only) */
  resendUnanswered: boolean;
}

/** What the commands' options mean for the plan: one mapping, so `plan` and `build` never disagree. */
export function planOptions(options: {
  force?: boolean;
  regenerate?: boolean;
  offline?: boolean;
  resendUnanswered?: boolean;
  only?: string[];
}): PlanOptions {
  return {
    force: options.force === true,
    regenerate: options.regenerate === true,
    offline: options.offline === true,
    // --regenerate names assets to pay for; with a selection, that is the user's word for these too
    resendUnanswered: options.resendUnanswered === true || (options.regenerate === true && (options.only?.length ?? 0) > 0),
  };
}

export type RestoreSource =
  /** `key`: the cache entry, when not the spec's main one (a pinned take kept under its own key) */
  | { kind: 'cache'; key?: string }
  /** an intact output made from the same spec (imported into the cache before any install) */
  | { kind: 'output'; out: string; contentHash: string }
  /** another asset of this build with the same spec, generated first: one payment for both */
  | { kind: 'pending'; out: string };

export type Action =
  /** nothing to do */
  | { type: 'up-to-date' }
  /** the file at `out` already holds the cached result for this spec: only the lock is updated */
  | { type: 'adopt'; contentHash: string; size: number; key?: string; post?: LockPost }
  /** copy a result kieaudio already has; no API call */
  | { type: 'restore'; source: RestoreSource }
  /**
   * poll a task an earlier build created: one it left in the journal, or, `recovered`, the lock's
   * task whose result is fetched again (free). `seen`: the API has shown the task before, so a
   * missing record means it is gone, not that it is not visible yet.
   */
  | { type: 'resume'; taskId: string; createdAt: string; creditsCounted?: boolean; recovered?: boolean; seen?: boolean }
  /** create a task and pay for it; `unrecoverable`: the lock's task for this spec, which cannot be fetched again (why) */
  | { type: 'generate'; unrecoverable?: { taskId: string; why: string } }
  /**
   * would generate, but an earlier create request for this spec got no answer (it may have been
   * charged), or, `pinned`, the pinned take's audio is gone and a new take needs the user's word
   */
  | { type: 'hold'; sentAt: string | undefined; pinned?: number }
  /** a file kieaudio did not write (or that was edited since): left alone, reported */
  | { type: 'keep-modified' }
  /** the audio is up to date; only files derived from it (timings, subtitles) are written or removed: no API call */
  | { type: 'sidecars' };

// The `planned` event's schema (events.ts) lists the action types again; this fails to compile if
// the two drift apart.
const actionsAgree: [ActionType] extends [Action['type']] ? ([Action['type']] extends [ActionType] ? true : false) : false = true;
void actionsAgree;

/** Why an asset must be restored or generated, for code; `reason` says it for people. */
export type StaleCause = 'regenerate' | 'forced' | 'new' | 'changed' | 'placeholder' | 'missing';

export interface PlannedAsset {
  asset: ResolvedAsset;
  specHash: string;
  action: Action;
  /** for people: "new", "text changed", "output missing, restoring from cache", "edited by hand" */
  reason: string;
  /** set when the asset is restored, resumed or generated */
  cause?: StaleCause;
  /** what happens to the asset's sidecars, when it has or had any */
  sidecars?: SidecarPlan;
  /** the pinned take this build keeps: an install of its audio keeps the pin in the lock (build/records.ts) */
  pin?: Pin;
  /** said about the asset whatever its action, also in `reason`: a stale translation (translation-note.ts) */
  note?: string;
}

/** The cache entry a restore of `item` copies: the spec's main entry unless the plan names another. */
export function cacheKeyOf(item: PlannedAsset): string {
  const { action } = item;
  if (action.type === 'adopt') return action.key ?? item.specHash;
  return (action.type === 'restore' && action.source.kind === 'cache' ? action.source.key : undefined) ?? item.specHash;
}

export interface Orphan {
  out: string;
  entry: LockEntry;
  /** the file is still there with the content the lock records (so `clean` may delete it) */
  intact: boolean;
  exists: boolean;
}

export interface Plan {
  items: PlannedAsset[];
  orphans: Orphan[];
}

/**
 * `facts` covers the assets selected for this run; `orphanOutputs` holds the state of every lock
 * entry's file whose asset is no longer declared anywhere in the project.
 */
export function planBuild(
  facts: readonly AssetFacts[],
  lock: LockFile,
  orphanOutputs: ReadonlyMap<string, OutputState>,
  options: PlanOptions,
): Plan {
  // Files kieaudio wrote that still hold what the lock says: a source for restores that costs
  // nothing even when the cache is empty (a fresh clone whose outputs are committed).
  const intactBySpec = new Map<string, { out: string; contentHash: string }>();
  const noteIntact = (out: string, state: OutputState | undefined) => {
    const entry = lock.assets[out];
    if (!entry || entry.placeholder || entry.post || !state?.exists || state.contentHash !== entry.contentHash) return;
    if (!intactBySpec.has(entry.specHash)) intactBySpec.set(entry.specHash, { out, contentHash: entry.contentHash });
  };
  for (const f of facts) noteIntact(f.asset.out, f.output);
  for (const [out, state] of orphanOutputs) noteIntact(out, state);

  const items = shareGenerations(facts.map((f) => planAsset(f, lock.assets[f.asset.out], intactBySpec, options)));

  const orphans: Orphan[] = [];
  for (const [out, state] of [...orphanOutputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = lock.assets[out];
    if (!entry) continue;
    orphans.push({ out, entry, exists: state.exists, intact: state.exists && state.contentHash === entry.contentHash });
  }
  return { items, orphans };
}

function planAsset(
  f: AssetFacts,
  entry: LockEntry | undefined,
  intactBySpec: ReadonlyMap<string, { out: string; contentHash: string }>,
  options: PlanOptions,
): PlannedAsset {
  const note = translationNote(f.asset);
  const plan = (action: Action, reason: string, cause?: StaleCause, sidecars?: SidecarPlan): PlannedAsset => ({
    asset: f.asset,
    specHash: f.specHash,
    action,
    reason: note === undefined ? reason : `${reason}; ${note}`,
    ...(note === undefined ? {} : { note }),
    ...(cause === undefined ? {} : { cause }),
    ...(f.pin === undefined || options.regenerate ? {} : { pin: f.pin }),
    ...(sidecars === undefined ? {} : { sidecars }),
  });
  // An empty file where kieaudio installed one is what a power cut leaves of a copy that was not
  // yet on disk (copies from the cache are not fsynced): never a hand edit, always ours to redo.
  const output: OutputState = f.output.exists && f.output.size === 0 && entry !== undefined ? { exists: false } : f.output;
  const ours = output.exists && entry !== undefined && output.contentHash === entry.contentHash;
  const placeholderStale = entry?.placeholder === true && !options.offline;

  const postChange = entry === undefined ? undefined : describePostChange(entry, f.asset, f.ffmpeg);
  if (ours && entry.specHash === f.specHash && postChange === undefined && !placeholderStale && !options.regenerate) {
    const upToDate = f.pin ? `up to date, pinned take ${f.pin.take}` : 'up to date';
    const derived =
      f.sidecars === undefined ? undefined : planUpToDateSidecars({ asset: f.asset, states: f.sidecars, entry }, options.force);
    if (derived === undefined) return plan({ type: 'up-to-date' }, upToDate);
    return plan(derived.action, derived.reason, derived.cause, derived.sidecars);
  }

  if (output.exists && !ours) {
    const kept = planForeignFile(f, entry, output, options);
    if (kept?.action.type === 'adopt') return plan(kept.action, kept.reason, undefined, replacedSidecars(f, entry, options));
    if (kept) return plan(kept.action, kept.reason);
  }

  const { cause, text } = whyStale(f, entry, output, options, postChange);
  const repair = f.cacheRepair;
  const change = repair?.kind === 'set-aside' ? `${text}, cache record damaged (${repair.why})` : text;
  const { action, reason } = findSource(f, change, intactBySpec, options);
  const sidecars = replacedSidecars(f, entry, options);
  const kept = sidecars?.keep.map((k) => `; ${k.out} ${k.why}`).join('') ?? '';
  return plan(action, `${reason}${kept}`, cause, sidecars);
}

/** The sidecars of an asset whose audio is installed anew: every one that is kieaudio's is written again. */
function replacedSidecars(f: AssetFacts, entry: LockEntry | undefined, options: PlanOptions): SidecarPlan | undefined {
  return f.sidecars === undefined ? undefined : planSidecars({ asset: f.asset, states: f.sidecars, entry }, true, options.force);
}

/**
 * A file at `out` that is not what kieaudio wrote. It may still be exactly the cached result (a
 * crash after the file was installed but before the lock was written, or a checkout of someone
 * else's build): adopted. Otherwise it is left alone, unless it is a file and --force says to
 * replace it (then undefined).
 */
function planForeignFile(
  f: AssetFacts,
  entry: LockEntry | undefined,
  output: Extract<OutputState, { exists: true }>,
  options: PlanOptions,
): { action: Action; reason: string } | undefined {
  if (f.cached && output.contentHash === f.cached.contentHash && !options.regenerate) {
    const rebuilt = f.cacheRepair?.kind === 'rebuild' ? ' (cache record damaged, rebuilt from the audio)' : '';
    return {
      action: { type: 'adopt', contentHash: f.cached.contentHash, size: f.cached.size, ...(f.cacheKey ? { key: f.cacheKey } : {}) },
      reason: `output matches the cache${rebuilt}`,
    };
  }
  const derived = f.derived;
  if (derived !== undefined && output.contentHash === derived.contentHash && !options.regenerate) {
    const { contentHash, size, post } = derived;
    return {
      action: { type: 'adopt', contentHash, size, post, ...(f.cacheKey ? { key: f.cacheKey } : {}) },
      reason: 'output matches the derived cache',
    };
  }
  // A folder (or anything but a file) may hold anything: never kieaudio's to replace, even with --force.
  if (output.contentHash === undefined) {
    return {
      action: { type: 'keep-modified' },
      reason: 'a folder (or another non-file) is there; kieaudio never replaces one, even with --force: move or remove it',
    };
  }
  if (options.force) return undefined;
  const why = entry ? 'edited by hand' : 'exists but was not made by kieaudio';
  return { action: { type: 'keep-modified' }, reason: `${why}; left alone (use --force to replace it)` };
}
