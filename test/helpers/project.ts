/**
 * Temp-dir projects for tests: real files, real simulator, no mocks. What a test makes here is
 * removed after it by this module's afterEach (so not for `it.concurrent`: use onTestFinished with
 * temp-dir.ts and sim.ts there).
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { writeFiles } from './files.js';
import { REPO_ROOT } from './repo.js';
import { startSim } from './sim.js';
import { createTempDir, type OnFinished } from './temp-dir.js';

/** Polling tuned for a simulator that finishes tasks in milliseconds. */
export const FAST_API = `api:
  rateLimit: { requests: 1000, intervalSeconds: 1 }
  pollRateLimit: { requests: 1000, intervalSeconds: 1 }
  retry: { attempts: 5, initialSeconds: 0.01, maxSeconds: 0.1 }
  poll: { initialSeconds: 0.005, maxSeconds: 0.02, timeoutSeconds: 30 }
`;

const cleanups: Array<() => Promise<void> | void> = [];
const afterThisTest: OnFinished = (fn) => void cleanups.push(fn);
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

export function tempDir(prefix?: string): Promise<string> {
  return createTempDir(afterThisTest, prefix);
}

/** Writes `files` (path → text, folders created as needed) into a new temp dir. */
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
  await writeFile(join(dir, 'kieaudio.config.yaml'), config.replace(/^api:\n( {2}.*\n)+/m, FAST_API));
  return dir;
}

export function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSim(afterThisTest, options);
}
