/**
 * The build's latency model (kie/latency-model.ts): opened from local state before the first
 * task, taught by every task that finishes, and saved after the paid part of the build. Offline
 * builds and `api.poll.adaptive: false` have none: polls keep the documented cadence.
 */
import { createLatencyModel, type LatencyModel } from '../kie/latency-model.js';
import type { TaskLatency } from '../kie/poll.js';
import { readLatencyHistory, writeLatencyHistory } from '../store/latency-history.js';
import type { BuildContext } from './context.js';

export async function openLatency(ctx: BuildContext): Promise<LatencyModel | undefined> {
  if (ctx.offline || !ctx.project.config.api.poll.adaptive) return undefined;
  return createLatencyModel(await readLatencyHistory(ctx.project.config.stateDir));
}

export async function saveLatency(ctx: BuildContext, latency: LatencyModel | undefined): Promise<void> {
  if (latency?.changed) await writeLatencyHistory(ctx.project.config.stateDir, latency.snapshot());
}

/** One model's view of the latency model, as the poll loop takes it. */
export function latencyOf(latency: LatencyModel, model: string): TaskLatency {
  return { samples: () => latency.known(model), finished: (ms) => latency.add(model, ms) };
}
