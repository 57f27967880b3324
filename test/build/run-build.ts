/** A build through the library that keeps its events, for the build tests to check. */
import { type BuildEvent, build } from '../../src/index.js';

export async function runBuild(dir: string, env: Record<string, string>, extra: Parameters<typeof build>[0] = {}) {
  const events: BuildEvent[] = [];
  const result = await build({ cwd: dir, env, onEvent: (e) => events.push(e), ...extra });
  return { ...result, events };
}
