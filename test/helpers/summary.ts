/** A build's `summary` event for tests that render or validate one: zeros, with what a test sets. */
import type { BuildSummary } from '../../src/events.js';

export function summaryEvent(over: Partial<BuildSummary> = {}): BuildSummary & { type: 'summary' } {
  return {
    type: 'summary',
    generated: 0,
    resumed: 0,
    recovered: 0,
    restored: 0,
    upToDate: 0,
    failed: 0,
    kept: 0,
    notStarted: 0,
    held: 0,
    orphans: 0,
    creditsUsed: 0,
    possibleDuplicateCharges: 0,
    placeholders: false,
    durationMs: 0,
    ...over,
  };
}
