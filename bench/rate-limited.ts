import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../src/sim/index.js';
import { writeFixture } from './fixtures.js';
import { jsonBuild } from './measure.js';
import type { BenchContext, Section } from './run.js';

const ASSETS = 300;
const RATE = 50;

export async function benchRateLimited(ctx: BenchContext): Promise<Section> {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets: ASSETS });
  await writeFile(
    join(dir, 'kieaudio.config.yaml'),
    `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: assets
concurrency: ${ASSETS}
api:
  rateLimit: { requests: ${RATE}, intervalSeconds: 1 }
  pollRateLimit: { requests: 1000, intervalSeconds: 1 }
  poll: { initialSeconds: 0.3, maxSeconds: 1, timeoutSeconds: 60 }
defaults:
  voice: { voice: Rachel, stability: 0.5 }
`,
  );
  const sim = await startSimulator({
    rateLimit: { requests: RATE, intervalMs: 1000 },
    latencyMs: { min: 300, max: 1200 },
    seed: 7,
  });
  try {
    const started = performance.now();
    let firstSubmit = 0;
    let lastDone = 0;
    let summary: Record<string, unknown> | undefined;
    const taskIds: string[] = [];
    const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url };
    const { code, stderr } = await jsonBuild(ctx.cli, dir, env, (event, now) => {
      if (event.type === 'submitted') {
        firstSubmit ||= now;
        taskIds.push(String(event.taskId));
      }
      if (event.type === 'generated') lastDone = now;
      if (event.type === 'summary') summary = event;
    });
    const wall = performance.now() - started;
    if (code !== 0 || summary?.generated !== ASSETS) throw new Error(`build failed (${code}): ${stderr}`);

    // Ideal: creates as fast as the window allows, in the order they were sent, each finishing
    // after its own latency; the makespan is the latest finish.
    const latencies = taskIds.map((id) => {
      const task = sim.task(id);
      return task ? task.completesAt - task.createdAt : 0;
    });
    const ideal = Math.max(...latencies.map((latency, i) => Math.floor(i / RATE) * 1000 + latency));
    const apiPhase = lastDone - firstSubmit;
    const stats = sim.stats();
    const ratio = ideal / apiPhase;
    const rate429 = stats.rejected429 / stats.createRequests;
    const pollsPerTask = stats.polls / stats.tasksCreated;
    const ok = ratio >= 0.9 && rate429 <= 0.01 && pollsPerTask <= 4;
    return {
      title: 'Rate-limited build',
      ok,
      lines: [
        `${ASSETS} new assets; simulator limit ${RATE} creates/s, task latency 0.3–1.2 s; concurrency ${ASSETS}.`,
        '',
        '| figure | value | target |',
        '| --- | --- | --- |',
        `| ideal schedule (rate limit + each task's latency) | ${(ideal / 1000).toFixed(2)} s | floor |`,
        `| first create → last output installed | ${(apiPhase / 1000).toFixed(2)} s | |`,
        `| ideal ÷ actual | ${ratio.toFixed(3)} | ≥ 0.9 |`,
        `| whole command, start-up included | ${(wall / 1000).toFixed(2)} s | |`,
        `| 429 answers | ${stats.rejected429} of ${stats.createRequests} creates (${(rate429 * 100).toFixed(2)} %) | ≤ 1 % |`,
        `| status polls per task | ${pollsPerTask.toFixed(2)} | ≤ 4 |`,
        `| tasks created | ${stats.tasksCreated} | ${ASSETS} |`,
      ],
    };
  } finally {
    await sim.close();
  }
}
