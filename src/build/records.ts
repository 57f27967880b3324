/**
 * The records a build writes about an asset, each built in one place: its lock entry (what was
 * installed at `out`, from which spec), its `failed` event (why it was not) and its `held` event
 * (why it was not even tried).
 */
import { toKieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { PlannedAsset } from '../plan/decide.js';
import type { ResolvedAsset } from '../project.js';
import { type LockEntry, type LockPost, rawHashOf } from '../store/lock-file.js';

export interface InstalledContent {
  contentHash: string;
  size: number;
  taskId?: string | undefined;
  /** the API the task was made on, and when: what lets a lost result be fetched again */
  baseUrl?: string | undefined;
  generatedAt?: string | undefined;
  /** what the task cost, when the API said (budgets learn prices from it) */
  credits?: number | undefined;
  /** an --offline placeholder, which any real build replaces */
  placeholder?: boolean;
  /** `out` was derived from a raw take by a post-processing chain (process.ts) */
  post?: LockPost | undefined;
}

export function lockEntry(item: PlannedAsset, content: InstalledContent): LockEntry {
  const { asset } = item;
  const lexicon = asset.shaping?.lexicon;
  return {
    id: asset.id,
    kind: asset.kind,
    model: asset.model,
    input: asset.input,
    specHash: item.specHash,
    contentHash: content.contentHash,
    size: content.size,
    ...(content.taskId ? { taskId: content.taskId } : {}),
    ...(content.taskId && content.baseUrl ? { baseUrl: content.baseUrl } : {}),
    ...(content.taskId && content.generatedAt ? { generatedAt: content.generatedAt } : {}),
    ...(content.taskId && content.credits !== undefined ? { credits: content.credits } : {}),
    ...(content.placeholder ? { placeholder: true as const } : {}),
    ...(lexicon !== undefined && Object.keys(lexicon).length > 0 ? { lexicon } : {}),
    ...writtenTextOf(asset),
    ...(content.post === undefined ? {} : { post: content.post }),
    // a pin stays only on its own take's audio: anything else installed at `out` releases it
    ...(item.pin !== undefined && item.pin.contentHash === rawHashOf(content) ? { pinned: item.pin.take } : {}),
    ...carriedSidecars(item),
  };
}

/**
 * The sidecars beside `out` until the build writes them for the new audio (sidecars.ts): still
 * kieaudio's, so a build stopped before then (a full disk, a kill) leaves them known, marked stale
 * for the next build to write again. Only files that are there: the lock never claims a missing one.
 */
function carriedSidecars(item: PlannedAsset): Pick<LockEntry, 'sidecars' | 'sidecarsStale'> {
  const present = item.sidecars?.present ?? {};
  return Object.keys(present).length === 0 ? {} : { sidecars: { ...present }, sidecarsStale: true };
}

/** The lock entry's `writtenText`: the line as written, recorded only where it is not what was sent. */
export function writtenTextOf(asset: ResolvedAsset): { writtenText?: string } {
  const { writtenText } = asset;
  return writtenText === undefined || writtenText === asset.input.text ? {} : { writtenText };
}

export interface FailureFacts {
  taskId?: string | undefined;
  /** a create request got no answer: the task may exist and be billed */
  maybeCharged?: boolean;
  /** never submitted (the build stopped submitting) */
  notStarted?: boolean;
  /** what the task cost although its result could not be installed yet */
  credits?: number | undefined;
}

export function failedEvent(item: PlannedAsset, error: unknown, facts: FailureFacts = {}): Extract<BuildEvent, { type: 'failed' }> {
  const e = toKieaudioError(error);
  return {
    type: 'failed',
    asset: item.asset.id,
    out: item.asset.out,
    code: e.code,
    message: e.message,
    maybeCharged: facts.maybeCharged === true,
    ...(facts.taskId === undefined ? {} : { taskId: facts.taskId }),
    ...(facts.notStarted ? { notStarted: true } : {}),
    ...(facts.credits === undefined ? {} : { credits: facts.credits }),
  };
}

export function heldEvent(item: PlannedAsset, reason: string, sentAt?: string): Extract<BuildEvent, { type: 'held' }> {
  return { type: 'held', asset: item.asset.id, out: item.asset.out, reason, ...(sentAt ? { sentAt } : {}) };
}
