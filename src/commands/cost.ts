/**
 * What the project is expected to cost (docs/budgets.md): regenerating every asset — one task per
 * spec, as a build shares one result between the assets that send the same — and generating what
 * a build would generate now. Shown by `kieaudio credits` beside the balance. No API call, no
 * writes: the same reading and the same decision as `plan`.
 */
import { planBuild, planOptions } from '../plan/decide.js';
import { gatherState } from '../plan/gather.js';
import { estimateAssets, estimatePlan, type PlanEstimate } from '../plan/plan-estimate.js';
import { specHashOf } from '../spec/hash.js';
import { type CommonOptions, prepareProject } from '../spec/prepare.js';
import { runningBuild } from '../store/build-lock.js';

export interface ProjectCost {
  /** every selected asset generated again (`--regenerate` of all of them) */
  rebuild: PlanEstimate;
  /** what `kieaudio build` would pay for now */
  stale: PlanEstimate;
}

export async function projectCost(options: Omit<CommonOptions, 'offline'> = {}): Promise<ProjectCost> {
  const { project, selected, store } = await prepareProject(options);
  const buildRunning = (await runningBuild(project.config.stateDir)) !== undefined;
  const gathered = await gatherState(project, store, selected, { baseUrl: project.config.api.baseUrl, offline: false, buildRunning });
  const plan = planBuild(gathered.facts, store.lock, gathered.orphanOutputs, planOptions({}));
  const all = selected.map((asset) => ({ asset, specHash: specHashOf(asset) }));
  return { rebuild: estimateAssets(all, store.lock), stale: estimatePlan(plan.items, store.lock) };
}
