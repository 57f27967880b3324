/**
 * What generating an asset is expected to cost, in credits (contract Part 2, "Budgets";
 * docs/budgets.md). Pure. The first source is the lock: every entry records what its task cost
 * (`credits`), so a model's price is learnt from the project's own history and scaled by size —
 * characters of text for speech, seconds asked for (`duration_seconds`) for effects. A model the
 * lock has no price for falls back to the documented table (price-table.ts).
 */
import type { ResolvedAsset } from '../project.js';
import type { LockFile } from '../store/lock-file.js';
import { tablePrice } from './price-table.js';

/** Where an estimate came from: the lock's records for the model, or the table. */
export type EstimateBasis = 'lock' | 'table';

export interface AssetEstimate {
  credits: number;
  basis: EstimateBasis;
}

/** What the lock says one model costs: totals over its entries that recorded a price. */
export interface ModelRate {
  /** entries with a price */
  tasks: number;
  credits: number;
  /** of those, the ones whose size is known (size.ts): their credits and summed sizes */
  sizedCredits: number;
  size: number;
}

/** The size a task is billed by: characters of text for speech, seconds asked for for effects. */
export function billedSize(kind: ResolvedAsset['kind'], input: Readonly<Record<string, unknown>>): number | undefined {
  if (kind === 'voice') return typeof input.text === 'string' ? [...input.text].length : undefined;
  const seconds = input.duration_seconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds : undefined;
}

/** Every model's rate from the lock's entries that recorded what their task cost. */
export function learnRates(lock: LockFile): Map<string, ModelRate> {
  const rates = new Map<string, ModelRate>();
  for (const entry of Object.values(lock.assets)) {
    if (entry.credits === undefined || entry.placeholder) continue;
    const rate = rates.get(entry.model) ?? { tasks: 0, credits: 0, sizedCredits: 0, size: 0 };
    rate.tasks++;
    rate.credits += entry.credits;
    const size = billedSize(entry.kind, entry.input);
    if (size !== undefined) {
      rate.sizedCredits += entry.credits;
      rate.size += size;
    }
    rates.set(entry.model, rate);
  }
  return rates;
}

/** One asset's estimate: the lock's rate for its model scaled by its size, else the mean task, else the table. */
export function estimateAsset(
  asset: Pick<ResolvedAsset, 'kind' | 'model' | 'input'>,
  rates: ReadonlyMap<string, ModelRate>,
): AssetEstimate {
  const size = billedSize(asset.kind, asset.input);
  const rate = rates.get(asset.model);
  if (rate !== undefined && rate.tasks > 0) {
    const perUnit = rate.size > 0 ? rate.sizedCredits / rate.size : undefined;
    const credits = size !== undefined && perUnit !== undefined ? perUnit * size : rate.credits / rate.tasks;
    return { credits: roundCredits(credits), basis: 'lock' };
  }
  const price = tablePrice(asset.model, asset.kind);
  const perSize = asset.kind === 'voice' ? price.perCharacter : price.perSecond;
  return { credits: roundCredits(price.perTask + (perSize ?? 0) * (size ?? 0)), basis: 'table' };
}

/** Estimates are shown to two decimals, rounded up: never below what they stand for. */
export function roundCredits(credits: number): number {
  return Math.ceil(Math.round(credits * 1e6) / 1e4) / 100;
}
