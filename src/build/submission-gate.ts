/**
 * Whether new tasks may still be submitted. Shared by every worker of a build: once the account
 * has no credits left, no worker sends another create request, and the build says so once.
 * Tasks already created still finish and download.
 */
import type { BuildEvent } from '../events.js';

export interface SubmissionGate {
  /** true once submitting has stopped */
  closed(): boolean;
  /** kie.ai answered 402: stop submitting (said once, however many workers see it) */
  noCreditsLeft(): void;
}

export function createSubmissionGate(emit: (event: BuildEvent) => void): SubmissionGate {
  let closed = false;
  return {
    closed: () => closed,
    noCreditsLeft() {
      if (closed) return;
      closed = true;
      emit({
        type: 'warning',
        code: 'W_NO_CREDITS',
        message: 'kie.ai says the account has no credits left: no new tasks will be submitted; tasks already running will finish',
      });
    },
  };
}
