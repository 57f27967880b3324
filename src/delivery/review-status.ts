/**
 * Pure: the status a review page shows for one output, from the plan a build would make now (the
 * same decision `status` reads) and what the last build said. An output the lock pins is shown as
 * a pinned take while it is otherwise up to date.
 */
import type { PlannedAsset } from '../plan/decide.js';

export const REVIEW_STATUSES = [
  'up to date',
  'pinned take',
  'placeholder',
  'modified by hand',
  'failed last build',
  'stale',
  'missing',
  'maybe charged',
] as const;

export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export function reviewStatus(item: PlannedAsset, facts: { pinned: boolean; failed: boolean; exists: boolean }): ReviewStatus {
  if (facts.failed) return 'failed last build';
  const { action } = item;
  if (action.type === 'up-to-date') return facts.pinned ? 'pinned take' : 'up to date';
  if (action.type === 'keep-modified') return 'modified by hand';
  if (!facts.exists || item.cause === 'missing') return 'missing';
  if (action.type === 'hold') return action.pinned === undefined ? 'maybe charged' : 'stale';
  if (item.cause === 'placeholder') return 'placeholder';
  return 'stale';
}
