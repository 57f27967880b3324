/** A build's `summary` event for tests that render or validate one: zeros, with what a test sets. */
import { emptySummary } from '../../src/build/tally.js';
import type { BuildSummary } from '../../src/events.js';

export function summaryEvent(over: Partial<BuildSummary> = {}): BuildSummary & { type: 'summary' } {
  return { type: 'summary', ...emptySummary(), ...over };
}
