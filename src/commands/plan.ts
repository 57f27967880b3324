/**
 * `plan` and `status`: what a build would do and the state of every asset, computed exactly as
 * `build` computes it, with no API calls and no writes.
 */
import { gatherState } from '../plan/gather.js';
import { planBuild, type Orphan, type Plan, type PlannedAsset } from '../plan/decide.js';
import type { Project } from '../project.js';
import { prepareProject, type CommonOptions } from '../spec/prepare.js';

export interface PlanOptions extends CommonOptions {
  force?: boolean;
  regenerate?: boolean;
}

export interface PlanResult {
  project: Project;
  plan: Plan;
}

export async function plan(options: PlanOptions = {}): Promise<PlanResult> {
  const offline = options.offline === true;
  const { project, selected, store } = await prepareProject(options);
  const gathered = await gatherState(project, store, selected, { baseUrl: project.config.api.baseUrl, offline });
  return {
    project,
    plan: planBuild(gathered.facts, store.lock, gathered.orphanOutputs, {
      force: options.force === true,
      regenerate: options.regenerate === true,
      offline,
    }),
  };
}

export type AssetStatus = 'up to date' | 'stale' | 'missing' | 'modified by hand' | 'placeholder';

export interface StatusEntry {
  id: string;
  out: string;
  status: AssetStatus;
  reason: string;
}

export interface StatusResult {
  project: Project;
  assets: StatusEntry[];
  orphans: Orphan[];
}

export async function status(options: CommonOptions = {}): Promise<StatusResult> {
  const { project, plan: p } = await plan(options);
  return { project, assets: p.items.map(statusOf), orphans: p.orphans };
}

function statusOf(item: PlannedAsset): StatusEntry {
  const base = { id: item.asset.id, out: item.asset.out, reason: item.reason };
  switch (item.action.type) {
    case 'up-to-date':
      return { ...base, status: 'up to date' };
    case 'keep-modified':
      return { ...base, status: 'modified by hand' };
    default:
      if (item.cause === 'placeholder') return { ...base, status: 'placeholder' };
      if (item.cause === 'missing') return { ...base, status: 'missing' };
      return { ...base, status: 'stale' };
  }
}
