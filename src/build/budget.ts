/**
 * A build's budget while it runs (contract Part 2, "Budgets"; docs/budgets.md): each task this
 * build creates reserves its estimate before its create request leaves (and before its journal
 * entry is written, so a task kept back leaves no trace); what a finished task cost replaces its
 * reservation, as the API reported it (`creditsConsumed`, per task — kie.ai's balance is shared by
 * every build and person on the account, so a balance difference could not be attributed).
 * A task whose cost is never known (no answer, still running) keeps its estimate: counted as
 * spent. Once spent plus reserved plus the next task's estimate would pass the limit, the gate
 * closes: no worker submits again. Tasks of earlier builds (resumed, recovered) cost nothing new
 * and reserve nothing.
 */
import { creditsText } from '../plan/plan-estimate.js';
import type { SubmissionGate } from './submission-gate.js';

export interface Budget {
  /** room for `specHash`'s task: reserves its estimate, or closes the gate and says false */
  reserve(specHash: string): boolean;
  /** the task cost `credits` (undefined: unknown, its estimate stands) and is no longer in flight */
  settle(specHash: string, credits: number | undefined): void;
  /** the create request certainly made no task: its reservation is given back */
  release(specHash: string): void;
}

/** No limit: every task may go. */
export const NO_BUDGET: Budget = { reserve: () => true, settle: () => undefined, release: () => undefined };

export function createBudget(maxCredits: number, estimates: ReadonlyMap<string, number>, gate: SubmissionGate): Budget {
  const reserved = new Map<string, number>();
  let spent = 0;
  let inFlight = 0;
  return {
    reserve(specHash) {
      const estimate = estimates.get(specHash) ?? 0;
      if (spent + inFlight + estimate > maxCredits) {
        const flying = inFlight > 0 ? ` and ${creditsText(round(inFlight))} estimated for tasks in flight` : '';
        gate.budgetReached(
          `the budget of ${creditsText(maxCredits)} would be passed: ${creditsText(round(spent))} spent${flying}, and the next task is estimated at ${creditsText(estimate)}`,
        );
        return false;
      }
      reserved.set(specHash, (reserved.get(specHash) ?? 0) + estimate);
      inFlight += estimate;
      return true;
    },
    settle(specHash, credits) {
      const estimate = take(specHash);
      if (estimate !== undefined) spent += credits ?? estimate;
    },
    release(specHash) {
      take(specHash);
    },
  };

  function take(specHash: string): number | undefined {
    const estimate = reserved.get(specHash);
    if (estimate === undefined) return undefined;
    reserved.delete(specHash);
    inFlight -= estimate;
    return estimate;
  }
}

function round(credits: number): number {
  return Math.round(credits * 100) / 100;
}
