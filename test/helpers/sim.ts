/**
 * The simulator as the end-to-end tests use it: started without rate limits and closed when the
 * test is done, the environment a build against it needs, and its counters read the way the
 * tests compare them.
 */
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';
import { canonicalJson } from '../../src/store/canonical-json.js';
import type { OnFinished } from './temp-dir.js';

export async function startSim(onFinished: OnFinished, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ rateLimit: false, ...options });
  onFinished(() => sim.close());
  return sim;
}

/** The environment a build against `sim` runs with. */
export function simEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url, ...extra };
}

/** Total requests the simulator received, over every route. */
export function totalRequests(sim: Simulator): number {
  return Object.values(sim.stats().requestsByRoute).reduce((a, b) => a + b, 0);
}

/** The simulator's `chargesBySpec` key for one spec: canonical JSON of exactly what was sent. */
export function chargeKey(model: string, input: Record<string, unknown>): string {
  return canonicalJson({ model, input });
}
