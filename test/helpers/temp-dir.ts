/**
 * Temp folders that are removed when the test that made them is done. `onFinished` says when:
 * vitest's `onTestFinished` (per test, so safe with `it.concurrent`) or a module's own afterEach
 * list (project.ts).
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type OnFinished = (fn: () => Promise<void> | void) => void;

/** A fresh temp folder, realpath'd so that symlinked temp roots (macOS /var) do not matter. */
export async function createTempDir(onFinished: OnFinished, prefix = 'kieaudio-test-'): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  onFinished(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));
  return dir;
}
