/** The simulator's counters, which tests use to assert what a client actually sent and paid. */
import { canonicalJson } from '../store/canonical-json.js';
import type { SimStats } from './types.js';

export class StatsRecorder {
  private readonly counts: SimStats = {
    createRequests: 0,
    tasksCreated: 0,
    rejected429: 0,
    polls: 0,
    downloads: 0,
    downloadUrlRequests: 0,
    creditRequests: 0,
    creditsCharged: 0,
    chargesBySpec: {},
    requestsByRoute: {},
    created: [],
  };

  count(counter: Exclude<keyof SimStats, 'chargesBySpec' | 'requestsByRoute' | 'creditsCharged' | 'created'>): void {
    this.counts[counter]++;
  }

  route(route: string): void {
    this.counts.requestsByRoute[route] = (this.counts.requestsByRoute[route] ?? 0) + 1;
  }

  /** A task was created from `input`: kept as received, so tests can assert what a build sent. */
  created(model: string, input: Record<string, unknown>): void {
    this.counts.created.push({ model, input: structuredClone(input) });
  }

  charge(model: string, input: Record<string, unknown>, credits: number): void {
    const spec = canonicalJson({ model, input });
    this.counts.chargesBySpec[spec] = (this.counts.chargesBySpec[spec] ?? 0) + 1;
    this.counts.creditsCharged += credits;
  }

  snapshot(): SimStats {
    return {
      ...this.counts,
      chargesBySpec: { ...this.counts.chargesBySpec },
      requestsByRoute: { ...this.counts.requestsByRoute },
      created: this.counts.created.map((task) => ({ model: task.model, input: structuredClone(task.input) })),
    };
  }
}
