/**
 * `status`: each asset's state (up to date, stale, missing, modified by hand, placeholder, maybe
 * charged), the orphaned outputs, and create requests that got no answer for specs no longer
 * declared, read off the same plan a build would make. No API calls, no writes.
 */
import type { Orphan, PlannedAsset } from '../plan/decide.js';
import type { UnansweredCreate } from '../plan/journal-facts.js';
import type { Project } from '../project.js';
import type { CommonOptions } from '../spec/prepare.js';
import { plan } from './plan.js';

export type AssetStatus = 'up to date' | 'stale' | 'missing' | 'modified by hand' | 'placeholder' | 'maybe charged';

export interface StatusEntry {
  id: string;
  out: string;
  status: AssetStatus;
  reason: string;
  /** said whatever the status (a stale translation); also in `reason` */
  note?: string;
}

export interface StatusResult {
  project: Project;
  assets: StatusEntry[];
  orphans: Orphan[];
  /** unanswered create requests whose spec no asset declares any more (maybe charged) */
  unansweredElsewhere: Array<{ out: string; reason: string }>;
}

export async function status(options: CommonOptions = {}): Promise<StatusResult> {
  const { project, plan: p, unansweredElsewhere } = await plan(options);
  return {
    project,
    assets: p.items.map(statusOf),
    orphans: p.orphans,
    unansweredElsewhere: unansweredElsewhere.map((u) => ({ out: u.entry?.out || u.specHash, reason: leftoverReason(u) })),
  };
}

/** How an unanswered request for a spec no longer declared reads in `status`. */
function leftoverReason(u: UnansweredCreate): string {
  const at = u.sentAt ? ` sent at ${u.sentAt}` : '';
  return `no longer declared: a create request${at} got no answer and may have been charged (kieaudio clean forgets it)`;
}

function statusOf(item: PlannedAsset): StatusEntry {
  const base = { id: item.asset.id, out: item.asset.out, reason: item.reason, ...(item.note === undefined ? {} : { note: item.note }) };
  switch (item.action.type) {
    case 'up-to-date':
      return { ...base, status: 'up to date' };
    case 'keep-modified':
      return { ...base, status: 'modified by hand' };
    case 'hold':
      // a lost pinned take is held for the user's word, not because anything may have been charged
      if (item.action.pinned === undefined) return { ...base, status: 'maybe charged' };
      return { ...base, status: item.cause === 'missing' ? 'missing' : 'stale' };
    default:
      if (item.cause === 'placeholder') return { ...base, status: 'placeholder' };
      if (item.cause === 'missing') return { ...base, status: 'missing' };
      return { ...base, status: 'stale' };
  }
}
