/**
 * Pure: how long each model's tasks take to finish, learned from finished tasks (this build's and
 * earlier builds', which `store/latency-history.ts` keeps in local state). Polling asks it where
 * a task's finish probably lies, so that polls land near it rather than on a fixed cadence.
 *
 * A build's own finishes are a biased sample while it runs: the quick tasks finish first, and the
 * slow ones are still running. So a model known from earlier builds is planned from that history
 * alone for the whole build, and this build's durations join it for the next one; only a model
 * with no history learns from the build's own finishes as they come.
 */

/** Samples kept per model: enough for stable quantiles, few enough that a change of pace shows soon. */
export const MAX_SAMPLES = 64;

/** Below this many samples a model is unknown, and polling keeps the documented cadence. */
export const MIN_SAMPLES = 4;

export interface LatencyModel {
  /** a finished task of `model` took `ms` from creation to its result */
  add(model: string, ms: number): void;
  /** the samples polls are planned from, ascending (history alone when there is some); empty when fewer than MIN_SAMPLES */
  known(model: string): readonly number[];
  /** every model's samples, newest last, as history keeps them */
  snapshot(): Record<string, number[]>;
  /** samples were added since the model was made (history needs writing) */
  readonly changed: boolean;
}

export function createLatencyModel(history: Readonly<Record<string, readonly number[]>> = {}): LatencyModel {
  const byModel = new Map<string, number[]>();
  for (const [model, samples] of Object.entries(history)) {
    const valid = samples.filter(isSample);
    if (valid.length > 0) byModel.set(model, valid.slice(-MAX_SAMPLES));
  }
  const sorted = new Map<string, number[]>();
  // models known from history: planned from it alone (see above), never re-sorted
  const frozen = new Set<string>();
  for (const [model, samples] of byModel) {
    if (samples.length < MIN_SAMPLES) continue;
    frozen.add(model);
    sorted.set(
      model,
      [...samples].sort((a, b) => a - b),
    );
  }
  let changed = false;
  return {
    add(model, ms) {
      if (!isSample(ms)) return;
      const samples = byModel.get(model) ?? [];
      samples.push(Math.round(ms));
      if (samples.length > MAX_SAMPLES) samples.shift();
      byModel.set(model, samples);
      if (!frozen.has(model)) sorted.delete(model);
      changed = true;
    },
    known(model) {
      const planned = frozen.has(model) ? sorted.get(model) : undefined;
      if (planned !== undefined) return planned;
      const samples = byModel.get(model);
      if (samples === undefined || samples.length < MIN_SAMPLES) return [];
      let ascending = sorted.get(model);
      if (ascending === undefined) {
        ascending = [...samples].sort((a, b) => a - b);
        sorted.set(model, ascending);
      }
      return ascending;
    },
    snapshot: () => Object.fromEntries([...byModel].map(([model, samples]) => [model, [...samples]])),
    get changed() {
      return changed;
    },
  };
}

/** A plausible task duration: positive and under a day. */
function isSample(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 && ms < 86_400_000;
}

/** The share of samples at or below `ms` (the empirical CDF, linear between samples). Pure. */
export function shareDoneBy(ascending: readonly number[], ms: number): number {
  const n = ascending.length;
  if (n === 0) return 0;
  const first = ascending[0] ?? 0;
  const last = ascending[n - 1] ?? 0;
  if (ms < first) return (ms / first) * (0.5 / n);
  if (ms >= last) return 1;
  let i = 0;
  while ((ascending[i + 1] ?? Infinity) <= ms) i++;
  const lo = ascending[i] ?? 0;
  const hi = ascending[i + 1] ?? lo;
  const within = hi > lo ? (ms - lo) / (hi - lo) : 0;
  return (i + 0.5 + within) / n;
}

/** The duration below which a share `p` (0–1) of samples fall: the inverse of shareDoneBy. Pure. */
export function durationAtShare(ascending: readonly number[], p: number): number {
  const n = ascending.length;
  if (n === 0) return 0;
  const first = ascending[0] ?? 0;
  const position = p * n - 0.5;
  if (position <= 0) return first * Math.max(0, p * n * 2);
  const i = Math.floor(position);
  if (i >= n - 1) return ascending[n - 1] ?? 0;
  const lo = ascending[i] ?? 0;
  const hi = ascending[i + 1] ?? lo;
  return lo + (hi - lo) * (position - i);
}
