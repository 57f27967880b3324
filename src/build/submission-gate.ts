/**
 * Whether new tasks may still be submitted. Shared by every worker of a build: once the account
 * has no credits for a task, the API looks down (outage-breaker.ts) or the next task would pass
 * the build's budget (budget.ts), no worker sends another create request, and the build says why once. Tasks already created still finish and download.
 */
import { KieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';

export interface SubmissionGate {
  /** true once submitting has stopped */
  closed(): boolean;
  /** why, as the error each asset not submitted fails with */
  whyClosed(): KieaudioError | undefined;
  /** kie.ai answered 402: stop submitting; `balance` is what the account has, when known */
  noCreditsLeft(balance?: number): void;
  /** the outage breaker tripped: stop submitting */
  apiDown(message: string): void;
  /** the next task would pass the build's budget (--max-credits): stop submitting */
  budgetReached(message: string): void;
}

export function createSubmissionGate(emit: (event: BuildEvent) => void): SubmissionGate {
  let why: KieaudioError | undefined;
  const close = (error: KieaudioError, warning: Extract<BuildEvent, { type: 'warning' }>) => {
    if (why) return;
    why = error;
    emit(warning);
  };
  return {
    closed: () => why !== undefined,
    whyClosed: () => why,
    noCreditsLeft(balance) {
      const has = balance === undefined ? '' : ` (the account has ${balance} credit${balance === 1 ? '' : 's'}, less than the task costs)`;
      close(new KieaudioError('E_API_CREDITS', 'not submitted: the account does not have enough credits'), {
        type: 'warning',
        code: 'W_NO_CREDITS',
        message: `kie.ai refused a task for lack of credits${has}: no new tasks will be submitted; tasks already running will finish`,
      });
    },
    apiDown(message) {
      close(new KieaudioError('E_API_DOWN', `not submitted: ${message}`), {
        type: 'warning',
        code: 'W_API_DOWN',
        message: `${message}: no new tasks will be submitted; tasks already running will finish or stay in the journal for the next build`,
      });
    },
    budgetReached(message) {
      close(new KieaudioError('E_BUDGET', `not started: budget (${message})`), {
        type: 'warning',
        code: 'W_BUDGET',
        message: `${message}: no new tasks will be submitted; tasks already running will finish`,
      });
    },
  };
}
