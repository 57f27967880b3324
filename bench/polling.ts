/**
 * Polling against its floor, with the default poll settings: how close a build comes to the ideal
 * schedule (creates as fast as the rate limit allows, each result taken the moment its task
 * finishes) and how many status polls it spends per task. Each scenario runs three builds of new
 * assets: with the fixed documented cadence (`adaptive: false`, as before adaptive polling), a
 * first build with no history, and a later build that has the first one's history.
 *
 * `tail` runs two builds side by side on two simulators with the same seed, cadence against
 * adaptive with a history drawn from the same distribution, because one build lasts 5 minutes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '../src/sim/index.js';
import type { LatencyOption } from '../src/sim/types.js';
import { jsonBuild } from './measure.js';
import type { BenchContext, Section } from './run.js';

const MODEL = 'elevenlabs/text-to-speech-turbo-2-5';

interface Scenario {
  assets: number;
  /** creates per window, as the simulator enforces it and the config declares it */
  rate: { requests: number; intervalSeconds: number };
  polls: { requests: number; intervalSeconds: number };
  latencyMs: LatencyOption;
}

export interface BuildFigures {
  ideal: number;
  actual: number;
  pollsPerTask: number;
  /** each task's latency as the simulator drew it */
  latencies: number[];
  /** the makespan had each result been taken the moment it was ready, from the creates as they happened */
  idealFromCreates: number;
  /** from a task's finish to its output installed: mean and worst, ms */
  lateMean: number;
  lateMax: number;
  /** polls answered 429 (over the poll limit) per task */
  rejectedPerTask: number;
  /** where actual − ideal went, for the task installed last */
  loss: Loss;
}

/**
 * actual − ideal = measuring + createLate + detection + delivery − slack, all in ms, for the task
 * whose output was installed last (the one that set the makespan).
 */
export interface Loss {
  /** the bench's own clock (first `submitted` event to last `generated`) against the simulator's */
  measuring: number;
  /** how much later than its slot in the ideal schedule (20 per 10 s from the first create) it was created */
  createLate: number;
  /** from its finish to the first poll that saw it */
  detection: number;
  /** from that poll to its output installed: download, write, lock */
  delivery: number;
  /** how much earlier than the ideal makespan it would have finished in the ideal schedule */
  slack: number;
  /** the worst detection delay of any task, and the mean, ms */
  detectionMax: number;
  detectionMean: number;
}

/** Short tasks with limits raised well above kie.ai's (what the rate benchmark measures). */
export const SHORT: Scenario = {
  assets: 300,
  rate: { requests: 50, intervalSeconds: 1 },
  polls: { requests: 1000, intervalSeconds: 1 },
  latencyMs: { min: 300, max: 1200 },
};

/** kie.ai's own limits: 20 creates per 10 s, 10 polls per second (docs/kie-api.md §4). */
export const KIE: Scenario = {
  assets: 30,
  rate: { requests: 20, intervalSeconds: 10 },
  polls: { requests: 10, intervalSeconds: 1 },
  latencyMs: { min: 3000, max: 9000 },
};

const TAIL: Scenario = { ...KIE, assets: 20, latencyMs: { ...KIE.latencyMs, tail: { share: 0.1, min: 120_000, max: 300_000 } } };

function config(s: Scenario, adaptive: boolean): string {
  return [
    'version: 1',
    'include: ["audio/*.audio.yaml"]',
    'outDir: assets',
    `concurrency: ${s.assets}`,
    'api:',
    `  rateLimit: { requests: ${s.rate.requests}, intervalSeconds: ${s.rate.intervalSeconds} }`,
    `  pollRateLimit: { requests: ${s.polls.requests}, intervalSeconds: ${s.polls.intervalSeconds} }`,
    ...(adaptive ? [] : ['  poll: { adaptive: false }']),
    'defaults:',
    '  voice: { voice: Rachel }',
    '',
  ].join('\n');
}

async function writeProject(dir: string, s: Scenario, adaptive: boolean, take: string): Promise<void> {
  await mkdir(join(dir, 'audio'), { recursive: true });
  await writeFile(join(dir, 'kieaudio.config.yaml'), config(s, adaptive));
  const assets = Array.from({ length: s.assets }, (_, i) => `  - { id: l${i}, kind: voice, text: "Line ${i}, ${take}.", out: l${i}.mp3 }`);
  await writeFile(join(dir, 'audio', 'lines.audio.yaml'), `assets:\n${assets.join('\n')}\n`);
}

/** One build of the project in `dir` against a new simulator; figures from its events and the simulator. */
export async function measureBuild(ctx: BenchContext, dir: string, s: Scenario, seed: number): Promise<BuildFigures> {
  const sim = await startSimulator({
    rateLimit: { requests: s.rate.requests, intervalMs: s.rate.intervalSeconds * 1000 },
    pollRateLimit: { requests: s.polls.requests, intervalMs: s.polls.intervalSeconds * 1000 },
    latencyMs: s.latencyMs,
    seed,
  });
  try {
    const taskIds: string[] = [];
    const taskOf = new Map<string, string>();
    const installedAt = new Map<string, number>();
    let firstSubmit = 0;
    let lastDone = 0;
    const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url };
    const { code, stderr } = await jsonBuild(ctx.cli, dir, env, (event, now) => {
      if (event.type === 'submitted') {
        firstSubmit ||= now;
        taskIds.push(String(event.taskId));
        taskOf.set(String(event.asset), String(event.taskId));
      }
      if (event.type === 'generated') {
        lastDone = now;
        // the simulator's clock is Date.now
        installedAt.set(taskOf.get(String(event.asset)) ?? '', Date.now());
      }
    });
    if (code !== 0 || installedAt.size !== s.assets) throw new Error(`build failed (${code}): ${stderr}`);
    return figures(sim, s, taskIds, installedAt, lastDone - firstSubmit);
  } finally {
    await sim.close();
  }
}

function figures(sim: Simulator, s: Scenario, taskIds: string[], installedAt: Map<string, number>, actual: number): BuildFigures {
  const tasks = taskIds.map((id) => sim.task(id)).filter((task) => task !== undefined);
  const latencies = tasks.map((task) => task.completesAt - task.createdAt);
  // Ideal: creates as fast as the window allows, in the order they were sent, each finishing
  // after its own latency; the makespan is the latest finish.
  const ideal = Math.max(...latencies.map((latency, i) => Math.floor(i / s.rate.requests) * s.rate.intervalSeconds * 1000 + latency));
  const firstCreate = Math.min(...tasks.map((task) => task.createdAt));
  const late = tasks.map((task) => (installedAt.get(task.taskId) ?? task.completesAt) - task.completesAt);
  const stats = sim.stats();
  const polls = tasks.reduce((sum, task) => sum + task.polls, 0);
  const slot = (i: number) => Math.floor(i / s.rate.requests) * s.rate.intervalSeconds * 1000;
  const installed = (i: number) => installedAt.get(tasks[i]?.taskId ?? '') ?? 0;
  const last = tasks.reduce((best, _, i) => (installed(i) > installed(best) ? i : best), 0);
  const lastTask = tasks[last] as NonNullable<(typeof tasks)[number]>;
  const seen = (task: typeof lastTask) => task.doneSeenAt ?? task.completesAt;
  const detections = tasks.map((task) => seen(task) - task.completesAt);
  const loss: Loss = {
    measuring: actual - (installed(last) - firstCreate),
    createLate: lastTask.createdAt - firstCreate - slot(last),
    detection: seen(lastTask) - lastTask.completesAt,
    delivery: installed(last) - seen(lastTask),
    slack: ideal - slot(last) - (lastTask.completesAt - lastTask.createdAt),
    detectionMax: Math.max(...detections),
    detectionMean: detections.reduce((a, b) => a + b, 0) / detections.length,
  };
  return {
    loss,
    ideal,
    actual,
    pollsPerTask: polls / tasks.length,
    latencies,
    idealFromCreates: Math.max(...tasks.map((task) => task.completesAt)) - firstCreate,
    lateMean: late.reduce((a, b) => a + b, 0) / late.length,
    lateMax: Math.max(...late),
    rejectedPerTask: (stats.polls - polls) / tasks.length,
  };
}

/** The cadence build, then a first and a later adaptive build, of one scenario. */
async function threeBuilds(ctx: BenchContext, s: Scenario): Promise<Record<'cadence' | 'cold' | 'warm', BuildFigures>> {
  const fixed = await ctx.scratch();
  await writeProject(fixed, s, false, 'take one');
  const cadence = await measureBuild(ctx, fixed, s, 11);
  const learning = await ctx.scratch();
  await writeProject(learning, s, true, 'take one');
  const cold = await measureBuild(ctx, learning, s, 11);
  await writeProject(learning, s, true, 'take two');
  const warm = await measureBuild(ctx, learning, s, 12);
  return { cadence, cold, warm };
}

const ratio = (f: BuildFigures) => f.ideal / f.actual;

function rows(name: string, runs: Record<'cadence' | 'cold' | 'warm', BuildFigures>, target: number, pollTarget?: number): string[] {
  const cell = (f: BuildFigures) => `${ratio(f).toFixed(3)} (${(f.actual / 1000).toFixed(2)} s; ideal ${(f.ideal / 1000).toFixed(2)} s)`;
  const detail = (f: BuildFigures) =>
    `${(f.idealFromCreates / 1000).toFixed(2)} s; finish → installed ${f.lateMean.toFixed(0)} ms mean, ${f.lateMax.toFixed(0)} max; ${f.rejectedPerTask.toFixed(2)} polls/task refused`;
  const where = (f: BuildFigures) => {
    const l = f.loss;
    const ms = (v: number) => v.toFixed(0);
    return `${ms(f.actual - f.ideal)} = creates late ${ms(l.createLate)} + detection ${ms(l.detection)} + delivery ${ms(l.delivery)} + measuring ${ms(l.measuring)} − slack ${ms(l.slack)}; detection mean ${ms(l.detectionMean)}, max ${ms(l.detectionMax)}`;
  };
  return [
    `| ${name}: actual − ideal, ms (task installed last) | ${where(runs.cadence)} | ${where(runs.cold)} | ${where(runs.warm)} | |`,
    `| ${name}: ideal ÷ actual | ${cell(runs.cadence)} | ${cell(runs.cold)} | ${cell(runs.warm)} | ≥ ${target} later build; first ≥ cadence − 0.02 |`,
    `| ${name}: ideal from the creates as sent; lateness | ${detail(runs.cadence)} | ${detail(runs.cold)} | ${detail(runs.warm)} | |`,
    `| ${name}: polls per task | ${runs.cadence.pollsPerTask.toFixed(2)} | ${runs.cold.pollsPerTask.toFixed(2)} | ${runs.warm.pollsPerTask.toFixed(2)} | ${pollTarget === undefined ? '—' : `≤ ${pollTarget.toFixed(1)} later build`} |`,
  ];
}

export async function benchPolling(ctx: BenchContext): Promise<Section> {
  const short = await threeBuilds(ctx, SHORT);
  const kie = await threeBuilds(ctx, KIE);
  const firstNoWorse = (r: typeof short) => ratio(r.cold) >= ratio(r.cadence) - 0.02;
  const ok = ratio(short.warm) >= 0.95 && ratio(kie.warm) >= 0.97 && kie.warm.pollsPerTask <= 2 && firstNoWorse(short) && firstNoWorse(kie);
  return {
    title: 'Adaptive polling (default poll settings)',
    ok,
    lines: [
      `Short: ${SHORT.assets} assets, ${SHORT.rate.requests} creates/s and ${SHORT.polls.requests} polls/s allowed, tasks 0.3–1.2 s.`,
      `kie: ${KIE.assets} assets at kie.ai's limits (20 creates per 10 s, 10 polls/s), tasks 3–9 s.`,
      "Cadence: `api.poll.adaptive: false`, the documented cadence every build used before. First: adaptive, no history. Later: adaptive, with the first build's history.",
      '',
      '| figure | cadence (before) | first build | later build | target |',
      '| --- | --- | --- | --- | --- |',
      ...rows('short tasks, raised limits', short, 0.95),
      ...rows('kie limits, 3–9 s tasks', kie, 0.97, 2),
    ],
  };
}

/** Seconds of `share`-heavy history drawn like the simulator draws latencies, as earlier builds would have left. */
function tailHistory(s: Scenario, count: number): number[] {
  const { tail } = s.latencyMs;
  return Array.from({ length: count }, () => {
    const range = tail !== undefined && Math.random() < tail.share ? tail : s.latencyMs;
    return Math.round(range.min + Math.random() * (range.max - range.min));
  });
}

export async function benchPollingTail(ctx: BenchContext): Promise<Section> {
  const fixed = await ctx.scratch();
  await writeProject(fixed, TAIL, false, 'take one');
  const learned = await ctx.scratch();
  await writeProject(learned, TAIL, true, 'take one');
  await mkdir(join(learned, '.kieaudio'), { recursive: true });
  await writeFile(join(learned, '.kieaudio', 'latency.json'), JSON.stringify({ v: 1, models: { [MODEL]: tailHistory(TAIL, 64) } }));
  const [cadence, adaptive] = await Promise.all([measureBuild(ctx, fixed, TAIL, 21), measureBuild(ctx, learned, TAIL, 21)]);
  const slow = (f: BuildFigures) => f.latencies.filter((ms) => ms >= 120_000).length;
  const ok = adaptive.pollsPerTask <= cadence.pollsPerTask && slow(adaptive) > 0;
  const cell = (f: BuildFigures) =>
    `${f.pollsPerTask.toFixed(2)} polls/task; ${(f.actual / 1000).toFixed(1)} s, ideal ${(f.ideal / 1000).toFixed(1)} s`;
  return {
    title: 'Adaptive polling, heavy-tailed latency',
    ok,
    lines: [
      `${TAIL.assets} assets at kie.ai's limits; 10 % of tasks take 2–5 min, the rest 3–9 s; the two builds run side by side on two simulators with the same seed.`,
      `Tasks of 2 min or more: ${slow(cadence)} in the cadence build, ${slow(adaptive)} in the adaptive one. A timeout would fail the build (default timeoutSeconds 900), so both completing means none timed out.`,
      '',
      '| build | figures | target |',
      '| --- | --- | --- |',
      `| cadence (before) | ${cell(cadence)} | |`,
      `| adaptive, with history | ${cell(adaptive)} | polls per task ≤ cadence's |`,
    ],
  };
}
