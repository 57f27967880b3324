/** Temp-dir projects for tests: real files, real simulator, no mocks. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { writeFiles } from './files.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { SimulatorOptions } from '../../src/sim/types.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Polling tuned for a simulator that finishes tasks in milliseconds. */
export const FAST_API = `api:
  rateLimit: { requests: 1000, intervalSeconds: 1 }
  pollRateLimit: { requests: 1000, intervalSeconds: 1 }
  retry: { attempts: 5, initialSeconds: 0.01, maxSeconds: 0.1 }
  poll: { initialSeconds: 0.005, maxSeconds: 0.02, timeoutSeconds: 30 }
`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

export async function tempDir(prefix = 'kieaudio-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (path → text) into a new temp dir. */
export async function makeProject(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, files);
  return dir;
}

/** The repository's example game in a temp dir, with a config tuned for the simulator. */
export async function exampleProject(): Promise<string> {
  const dir = await tempDir();
  await cp(join(REPO_ROOT, 'examples', 'audio'), join(dir, 'examples', 'audio'), { recursive: true });
  const config = await readFile(join(REPO_ROOT, 'kieaudio.config.yaml'), 'utf8');
  await writeFile(join(dir, 'kieaudio.config.yaml'), config.replace(/^api:\n(  .*\n)+/m, FAST_API));
  return dir;
}

export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ rateLimit: false, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

/** The environment a build against `sim` runs with. */
export function simEnv(sim: Simulator): Record<string, string> {
  return { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url };
}

/** Total requests the simulator received, over every route. */
export function totalRequests(sim: Simulator): number {
  return Object.values(sim.stats().requestsByRoute).reduce((a, b) => a + b, 0);
}

export { writeFiles };
