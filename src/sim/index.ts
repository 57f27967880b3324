/**
 * A kie.ai-compatible job API on 127.0.0.1 (docs/kie-api.md): real HTTP, real sockets, placeholder
 * audio. It serves the test suite and the CLI's `--offline` mode.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext } from './context.js';
import { resolveOptions } from './options.js';
import { handleRequest } from './router.js';
import { snapshotTask } from './task-snapshot.js';
import type { Faults, Simulator, SimulatorOptions } from './types.js';

export { DEFAULT_API_KEY } from './options.js';
export type {
  DownloadPacing,
  Faults,
  RateLimitOption,
  ResultAudioSource,
  SimRequest,
  SimStats,
  SimTask,
  Simulator,
  SimulatorOptions,
  TaskState,
  TimingShape,
} from './types.js';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const closing = new AbortController();
  const ctx = createContext(resolved, options.faults ?? {}, closing.signal);
  const server = createServer((req, res) => {
    void handleRequest(ctx, req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ctx.baseUrl = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url: ctx.baseUrl,
    setFaults(faults: Partial<Faults>): void {
      ctx.dice.set(faults);
    },
    setCredits(key: string, credits: number): void {
      ctx.credits.set(key, credits);
    },
    stats: () => ctx.stats.snapshot(),
    task(taskId: string) {
      const task = ctx.tasks.get(taskId);
      return task && snapshotTask(task, ctx.now(), ctx.baseUrl, ctx.options.resultAudio);
    },
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // in-flight and keep-alive sockets alike: close() must not wait for clients
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
