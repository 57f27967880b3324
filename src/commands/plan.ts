/**
 * `plan`: what a build would do for each asset and why, computed exactly as `build` computes it
 * (the same gathering and the same pure decision), with no API calls and no writes.
 */

import type { TeamCacheCheck } from '../build/team-cache-check.js';
import { markTeamCached } from '../build/team-cache-check.js';
import { type Plan, planBuild, planOptions } from '../plan/decide.js';
import { gatherState } from '../plan/gather.js';
import type { UnansweredCreate } from '../plan/journal-facts.js';
import { estimatePlan, type PlanEstimate } from '../plan/plan-estimate.js';
import { gatherScenes, hasScenes } from '../plan/scene-facts.js';
import { planScenes } from '../plan/scene-plan.js';
import type { Env, Project } from '../project.js';
import { specHashOf } from '../spec/hash.js';
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
  /** why the team cache could not be asked, when one is configured and could not be */
  teamCacheUnreadable?: string;
}

export async function plan(options: PlanOptions = {}): Promise<PlanResult> {
  const offline = options.offline === true;
  const { project, selected, store, env } = await prepareProject(options);
  // plan does not wait for a running build: what that build has in flight is not an interrupted one's
  const buildRunning = (await runningBuild(project.config.stateDir)) !== undefined;
  const gathered = await gatherState(project, store, selected, { baseUrl: project.config.api.baseUrl, offline, buildRunning });
  const decided = planBuild(gathered.facts, store.lock, gathered.orphanOutputs, planOptions(options));
  if (hasScenes(project, store.lock))
    decided.scenes = planScenes(await gatherScenes(project, store), store.lock, decided.items, options.force === true);
  const maxCredits = options.maxCredits ?? project.config.budget.maxCredits;
  // as in build: --offline and --regenerate never use the team cache
  const remote = offline || options.regenerate ? undefined : await teamCacheOf(project, env, decided);
  return {
    project,
    plan: { ...decided, items: markTeamCached(decided.items, remote) },
    unansweredElsewhere: undeclaredUnanswered(project, gathered.journal.unanswered),
    ...(offline ? {} : { estimate: estimatePlan(decided.items, store.lock) }),
    ...(maxCredits === undefined ? {} : { maxCredits }),
    ...(remote?.unreadable === undefined ? {} : { teamCacheUnreadable: remote.unreadable }),
  };
}

/** Only when the plan would generate something and a team cache is configured: a no-op plan touches no network. */
async function teamCacheOf(project: Project, env: Env, decided: Plan): Promise<TeamCacheCheck | undefined> {
  if (project.config.remoteCache === undefined || !decided.items.some((i) => i.action.type === 'generate')) return undefined;
  const { checkTeamCache } = await import('../build/team-cache-check.js');
  return checkTeamCache(project.config, env, decided.items);
}

/** Unanswered requests whose spec no declared asset has. */
export function undeclaredUnanswered(project: Project, unanswered: ReadonlyMap<string, UnansweredCreate>): UnansweredCreate[] {
  if (unanswered.size === 0) return [];
  const declared = new Set(project.assets.map(specHashOf));
  return [...unanswered.values()].filter((u) => !declared.has(u.specHash));
}
