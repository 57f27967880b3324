/**
 * `plan`: what a build would do for each asset and why, computed exactly as `build` computes it
 * (the same gathering and the same pure decision), with no API calls and no writes.
 */

import { type Plan, planBuild, planOptions } from '../plan/decide.js';
import { gatherState } from '../plan/gather.js';
import type { UnansweredCreate } from '../plan/journal-facts.js';
import { estimatePlan, type PlanEstimate } from '../plan/plan-estimate.js';
import type { Project } from '../project.js';
import { specHash } from '../spec/hash.js';
import { type CommonOptions, prepareProject } from '../spec/prepare.js';
import { runningBuild } from '../store/build-lock.js';

export interface PlanOptions extends CommonOptions {
  force?: boolean;
  regenerate?: boolean;
  /** plan to send again the create requests that got no answer */
  resendUnanswered?: boolean;
  /** the budget the estimates are shown against; overrides budget.maxCredits */
  maxCredits?: number;
}

export interface PlanResult {
  project: Project;
  plan: Plan;
  /**
   * create requests that got no answer for specs no asset declares any more (the text was
   * changed since): they may have been charged; `clean` forgets them
   */
  unansweredElsewhere: UnansweredCreate[];
  /** what the `generate` items are expected to cost (docs/budgets.md); absent for --offline, whose placeholders are free */
  estimate?: PlanEstimate;
  /** --max-credits, else budget.maxCredits */
  maxCredits?: number;
}

export async function plan(options: PlanOptions = {}): Promise<PlanResult> {
  const offline = options.offline === true;
  const { project, selected, store } = await prepareProject(options);
  // plan does not wait for a running build: what that build has in flight is not an interrupted one's
  const buildRunning = (await runningBuild(project.config.stateDir)) !== undefined;
  const gathered = await gatherState(project, store, selected, { baseUrl: project.config.api.baseUrl, offline, buildRunning });
  const decided = planBuild(gathered.facts, store.lock, gathered.orphanOutputs, planOptions(options));
  const maxCredits = options.maxCredits ?? project.config.budget.maxCredits;
  return {
    project,
    plan: decided,
    unansweredElsewhere: undeclaredUnanswered(project, gathered.journal.unanswered),
    ...(offline ? {} : { estimate: estimatePlan(decided.items, store.lock) }),
    ...(maxCredits === undefined ? {} : { maxCredits }),
  };
}

/** Unanswered requests whose spec no declared asset has. */
export function undeclaredUnanswered(project: Project, unanswered: ReadonlyMap<string, UnansweredCreate>): UnansweredCreate[] {
  if (unanswered.size === 0) return [];
  const declared = new Set(project.assets.map((a) => specHash(a.model, a.input)));
  return [...unanswered.values()].filter((u) => !declared.has(u.specHash));
}
