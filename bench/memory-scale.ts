/**
 * Memory at scale: peak RSS of a build that generates every asset of a project of 2,500, 5,000
 * and 10,000 voice lines, two ways:
 * - a full build over real HTTP against the simulator running in a process of its own, so that
 *   only the build's memory is measured;
 * - `--offline`, where the simulator runs inside the build's process and its memory counts.
 * Targets: ≤ 300 MB at 10,000 assets both ways, and memory flat in the number of assets: at most
 * 10 KB more per asset from 2,500 to 10,000 (what the build must hold per asset — its spec, plan
 * and lock entry — plus the garbage collector's headroom over it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SimulatorOptions } from '../src/sim/index.js';
import { FIXTURE_CONFIG, writeFixture } from './fixtures.js';
import { run } from './measure.js';
import type { BenchContext, Section } from './run.js';

const SIZES = [2_500, 5_000, 10_000];
/** Peak RSS moves by ±20 MB from run to run (when the garbage collector happens to run): the higher of two counts. */
const RUNS = 2;
const TARGET_MB = 300;
const TARGET_KB_PER_ASSET = 10;

/** Tight polling and no rate limits: the build runs as fast as the machine lets it. */
const CONFIG = `${FIXTURE_CONFIG}concurrency: 64
api:
  rateLimit: { requests: 1000, intervalSeconds: 1 }
  pollRateLimit: { requests: 5000, intervalSeconds: 1 }
  poll: { initialSeconds: 0.02, maxSeconds: 0.1 }
`;
/** The latencies `--offline` gives its own simulator (build/api-session.ts). */
const SIMULATOR: SimulatorOptions = { rateLimit: false, latencyMs: { min: 5, max: 20 } };

type Mode = 'full' | 'offline';

interface Measured {
  rssMb: Record<Mode, number[]>;
  seconds: Record<Mode, number[]>;
}

export async function benchMemoryScale(ctx: BenchContext): Promise<Section> {
  const measured: Measured = { rssMb: { full: [], offline: [] }, seconds: { full: [], offline: [] } };
  const sim = await startSimulatorProcess(join(ctx.root, 'dist-bench', 'bench', 'sim-server.js'), SIMULATOR);
  try {
    for (const assets of SIZES) {
      for (const mode of ['full', 'offline'] as const) {
        const runs = [];
        for (let i = 0; i < RUNS; i++) runs.push(await generateAll(ctx, assets, mode === 'full' ? sim.url : undefined));
        measured.rssMb[mode].push(Math.max(...runs.map((r) => r.maxRssKb / 1024)));
        measured.seconds[mode].push(Math.max(...runs.map((r) => r.ms / 1000)));
        const each = runs.map((r) => `${(r.maxRssKb / 1024).toFixed(0)} MB in ${(r.ms / 1000).toFixed(1)} s`);
        ctx.log(`  ${assets} assets, ${mode}: ${each.join(', ')}`);
      }
    }
  } finally {
    await sim.close();
  }
  return report(measured);
}

/** A build that generates all `assets`: against `simUrl`, or `--offline` without one. */
async function generateAll(ctx: BenchContext, assets: number, simUrl: string | undefined) {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets, config: CONFIG });
  const r =
    simUrl === undefined
      ? // silent placeholders: making 10,000 audible ones is 10,000 ffmpeg runs, not what this measures
        await run(['node', ctx.cli, 'build', '--offline'], { cwd: dir, env: { KIEAUDIO_FFMPEG: join(dir, 'no-ffmpeg') } })
      : await run(['node', ctx.cli, 'build'], { cwd: dir, env: { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: simUrl } });
  if (r.code !== 0 || !r.stdout.includes(`${assets} generated`)) {
    throw new Error(
      `build of ${assets} assets${simUrl ? '' : ' --offline'} did not generate them all:\n${r.stderr}${r.stdout.slice(-2000)}`,
    );
  }
  return r;
}

function report(m: Measured): Section {
  const last = SIZES.length - 1;
  const span = (SIZES[last] ?? 0) - (SIZES[0] ?? 0);
  const atMost = (mode: Mode) => m.rssMb[mode][last] ?? Infinity;
  const perAssetKb = (mode: Mode) => (((m.rssMb[mode][last] ?? 0) - (m.rssMb[mode][0] ?? 0)) * 1024) / span;
  const ok = (['full', 'offline'] as const).every((mode) => atMost(mode) <= TARGET_MB && perAssetKb(mode) <= TARGET_KB_PER_ASSET);
  const mb = (v: number | undefined) => `${(v ?? NaN).toFixed(0)} MB`;
  const s = (v: number | undefined) => `${(v ?? NaN).toFixed(1)} s`;
  const rows = SIZES.map(
    (assets, i) =>
      `| ${assets.toLocaleString('en')} | ${mb(m.rssMb.full[i])} | ${s(m.seconds.full[i])} | ${mb(m.rssMb.offline[i])} | ${s(m.seconds.offline[i])} |`,
  );
  return {
    title: 'Memory at scale',
    ok,
    lines: [
      'Peak RSS of `kieaudio build` generating every asset of a new project (voice lines, 100 per spec file;',
      'concurrency 64, no rate limits), the higher of two runs. Full: real HTTP against the simulator in a separate',
      'process (not counted). `--offline`: the simulator runs in the build’s own process (counted), with silent',
      'placeholders (ffmpeg turned off with KIEAUDIO_FFMPEG: making them audible is one ffmpeg run each).',
      '',
      '| assets | full build | time (slower run) | `build --offline` | time (slower run) |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Targets: ≤ ${TARGET_MB} MB at ${SIZES[last]?.toLocaleString('en')} assets (full ${mb(atMost('full'))}, offline ${mb(atMost('offline'))});`,
      `growth from ${SIZES[0]?.toLocaleString('en')} to ${SIZES[last]?.toLocaleString('en')} assets ≤ ${TARGET_KB_PER_ASSET} KB per asset`,
      `(full ${perAssetKb('full').toFixed(1)} KB, offline ${perAssetKb('offline').toFixed(1)} KB).`,
    ],
  };
}

/** bench/sim-server.ts in a child process: its URL, and a way to stop it. */
async function startSimulatorProcess(script: string, options: SimulatorOptions): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await firstLine(child);
  if (!url.startsWith('http://127.0.0.1:')) {
    child.kill();
    throw new Error(`the simulator process did not say where it listens: ${JSON.stringify(url)}`);
  }
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator process exited (${code}) before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end).trim());
    });
  });
}
