/**
 * What a plan is expected to cost: an estimate for each asset it would pay for (`generate`; one
 * per spec, the assets sharing it are copies) and their total, with the largest items first for
 * the message that refuses a build over budget. Pure; `plan`, `build` and `credits` share it.
 */
import type { ResolvedAsset } from '../project.js';
import type { LockFile } from '../store/lock-file.js';
import type { PlannedAsset } from './decide.js';
import { type AssetEstimate, estimateAsset, learnRates, roundCredits } from './estimate.js';

export interface EstimatedItem extends AssetEstimate {
  asset: string;
  out: string;
  specHash: string;
}

export interface PlanEstimate {
  /** the assets paid for, largest estimate first */
  items: EstimatedItem[];
  total: number;
  /** by spec hash: what the build's budget reserves for each task it creates */
  bySpec: ReadonlyMap<string, number>;
}

/** The estimate of every `generate` item of a plan. */
export function estimatePlan(items: readonly PlannedAsset[], lock: LockFile): PlanEstimate {
  return estimateAssets(
    items.filter((i) => i.action.type === 'generate').map((i) => ({ asset: i.asset, specHash: i.specHash })),
    lock,
  );
}

/** The estimate of generating each of `assets` once per spec (the first of a spec pays; the rest are copies). */
export function estimateAssets(assets: readonly { asset: ResolvedAsset; specHash: string }[], lock: LockFile): PlanEstimate {
  const rates = learnRates(lock);
  const bySpec = new Map<string, number>();
  const items: EstimatedItem[] = [];
  for (const { asset, specHash } of assets) {
    if (bySpec.has(specHash)) continue;
    const estimate = estimateAsset(asset, rates);
    bySpec.set(specHash, estimate.credits);
    items.push({ asset: asset.id, out: asset.out, specHash, ...estimate });
  }
  items.sort((a, b) => b.credits - a.credits || a.out.localeCompare(b.out));
  return { items, total: roundCredits(items.reduce((sum, i) => sum + i.credits, 0)), bySpec };
}

/** "12 credits", "1 credit", "0.5 credits". */
export function creditsText(credits: number): string {
  return `${credits} credit${credits === 1 ? '' : 's'}`;
}
