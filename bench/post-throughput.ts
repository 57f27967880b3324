/**
 * Post-processing throughput: a build that only re-derives outputs (a loudness target changed:
 * no API call, one ffmpeg derivation per asset), in files per second, against the same ffmpeg
 * work run straight from Node — the "shell loop" without a shell: for each raw take, the ffmpeg
 * processes src/build/process.ts runs (measure through the chain's first filters, process, measure
 * what was written, correct once if off target), with the arguments src/ffmpeg/post-args.ts makes,
 * spawned with argument arrays one after another and then as many at once as the build runs.
 * Target: ≥ 0.8× the parallel floor's files per second, over the build's processing (from its last
 * `planned` line to its last `processed` line: the floor has no start-up or project to load
 * either, as restore.ts times its restoring); the whole command's ratio is reported beside it.
 *
 * KIEAUDIO_BENCH_POST_FILES=20 for a quick run (default 200).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileArg } from '../src/ffmpeg/input.js';
import { locateFfmpeg } from '../src/ffmpeg/locate.js';
import { measureLoudnessArgs, parseEbur128Summary, parseInputSampleRate } from '../src/ffmpeg/loudness.js';
import { correctiveGainDb, type FirstPass, firstPassFilters, postProcessArgs } from '../src/ffmpeg/post-args.js';
import type { ResolvedPostChain } from '../src/ffmpeg/post-chain.js';
import { parseProgressSeconds } from '../src/ffmpeg/progress.js';
import { startSimulator } from '../src/sim/index.js';
import { specHash } from '../src/spec/hash.js';
import { loadProject } from '../src/spec/load.js';
import { createContentCache } from '../src/store/content-cache.js';
import { jsonBuild, median } from './measure.js';
import type { BenchContext, Section } from './run.js';

const FILES = Number(process.env.KIEAUDIO_BENCH_POST_FILES ?? 200);
const TARGET = 0.8;
const RUNS = 3;

const config = (loudness: number) => `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: assets
concurrency: 50
api:
  rateLimit: { requests: 1000, intervalSeconds: 1 }
  pollRateLimit: { requests: 1000, intervalSeconds: 1 }
  retry: { attempts: 5, initialSeconds: 0.01, maxSeconds: 0.1 }
  poll: { initialSeconds: 0.005, maxSeconds: 0.02, timeoutSeconds: 30 }
defaults:
  voice: { voice: Rachel }
post:
  voice: { loudness: ${loudness}, truePeak: -1, format: ogg }
  effect: { loudness: ${loudness}, truePeak: -1, format: ogg }
`;

/** Half voice lines, half effects; every spec distinct, so each is a raw take of its own. */
function spec(files: number): string {
  const lines = ['assets:'];
  for (let i = 0; i < files; i++) {
    if (i % 2 === 0)
      lines.push(`  - { id: line.${i}, kind: voice, text: "Line number ${i}: keep your sword close.", out: vo/line-${i}.ogg }`);
    else lines.push(`  - { id: sfx.${i}, kind: effect, text: "Coin drop number ${i}", duration_seconds: 1, out: sfx/coin-${i}.ogg }`);
  }
  return `${lines.join('\n')}\n`;
}

interface BuildRun {
  ms: number;
  /** from the last `planned` line to the last `processed` line of --json */
  processingMs: number;
  processed: number;
  summary: Record<string, unknown> | undefined;
}

async function timedBuild(cli: string, cwd: string, env: Record<string, string>): Promise<BuildRun> {
  const started = performance.now();
  let lastPlanned = 0;
  let lastProcessed = 0;
  let processed = 0;
  let summary: Record<string, unknown> | undefined;
  const { code, stderr } = await jsonBuild(cli, cwd, env, (event, now) => {
    if (event.type === 'planned') lastPlanned = now;
    if (event.type === 'processed' && event.from === 'ffmpeg') {
      processed++;
      lastProcessed = now;
    }
    if (event.type === 'summary') summary = event;
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`build exited ${code}:\n${stderr}`);
  return { ms, processingMs: lastProcessed - lastPlanned, processed, summary };
}

/** ffmpeg run directly: argument array, no shell; stdout and stderr kept for the measurements. */
function ffmpeg(path: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) reject(new Error(`ffmpeg exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

async function measure(path: string, file: string, filters: readonly string[] = []): Promise<FirstPass> {
  const { stdout, stderr } = await ffmpeg(path, measureLoudnessArgs(file, filters));
  const summary = parseEbur128Summary(stderr);
  const durationSeconds = parseProgressSeconds(stdout);
  if (summary === undefined || durationSeconds === undefined) throw new Error(`no measurement of ${file}`);
  const sampleRate = parseInputSampleRate(stderr);
  return { ...summary, durationSeconds, ...(sampleRate === undefined ? {} : { sampleRate }) };
}

/** The ffmpeg work of one derivation, as process.ts does it; returns how many ffmpeg processes it ran. */
async function floorOne(path: string, chain: ResolvedPostChain, raw: string, output: string): Promise<number> {
  const first = await measure(path, raw, firstPassFilters(chain));
  await ffmpeg(path, postProcessArgs(chain, raw, output, first));
  const written = await measure(path, output);
  const gain = correctiveGainDb(chain, written);
  if (gain === 0) return 3;
  await ffmpeg(path, postProcessArgs(chain, raw, output, first, gain));
  await measure(path, output);
  return 5;
}

/** Every raw take through floorOne, `parallel` at a time; wall time and ffmpeg processes run. */
async function floor(
  path: string,
  chain: ResolvedPostChain,
  raws: string[],
  outDir: string,
  parallel: number,
): Promise<{ ms: number; processes: number }> {
  await mkdir(outDir, { recursive: true });
  let next = 0;
  let processes = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < raws.length) {
      const i = next++;
      const ran = await floorOne(path, chain, raws[i] as string, join(outDir, `${i}.ogg`));
      processes += ran;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { ms: performance.now() - started, processes };
}

/** `count` MP3s of one second, as a voice line comes: tones of 220 Hz and up, made `availableParallelism()` at a time. */
async function makeResults(path: string, dir: string, count: number): Promise<Buffer[]> {
  await mkdir(dir, { recursive: true });
  const made: Buffer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const file = join(dir, `${i}.mp3`);
      const source = `sine=frequency=${220 + 3 * i}:sample_rate=44100:duration=1`;
      await ffmpeg(path, [
        '-hide_banner',
        '-nostdin',
        '-f',
        'lavfi',
        '-i',
        source,
        '-c:a',
        'libmp3lame',
        '-b:a',
        '128k',
        '-y',
        fileArg(file),
      ]);
      made[i] = await readFile(file);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, worker));
  return made;
}

export async function benchPostThroughput(ctx: BenchContext): Promise<Section> {
  const binary = await locateFfmpeg();
  const dir = await ctx.scratch();
  await mkdir(join(dir, 'audio'), { recursive: true });
  // one audible second per task, each a tone of its own: a derived output is cached by its raw
  // take's content, so equal takes would be processed once
  const audios = await makeResults(binary.path, join(dir, 'results'), FILES);
  const byTask = new Map<string, Buffer>();
  const resultAudio = ({ taskId }: { taskId: string }) => {
    let audio = byTask.get(taskId);
    if (audio === undefined) {
      audio = audios[byTask.size % audios.length] as Buffer;
      byTask.set(taskId, audio);
    }
    return audio;
  };
  await writeFile(join(dir, 'kieaudio.config.yaml'), config(-23));
  await writeFile(join(dir, 'audio', 'main.audio.yaml'), spec(FILES));

  const sim = await startSimulator({ rateLimit: false, resultAudio });
  const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url };
  const requests = () => Object.values(sim.stats().requestsByRoute).reduce((a, b) => a + b, 0);
  try {
    ctx.log(`  first build: ${FILES} assets generated and processed (raw takes cached)`);
    const first = await timedBuild(ctx.cli, dir, env);
    if (first.summary?.generated !== FILES) throw new Error(`first build: ${JSON.stringify(first.summary)}`);

    // the raw takes, where the build cached them
    const project = await loadProject({ cwd: dir, env: {} });
    const cache = createContentCache(project.config.cacheDir);
    const raws = project.assets.map((asset) => cache.dataPath(specHash(asset.model, asset.input)));
    const parallel = availableParallelism();

    // each round a new target (every output derived again), kieaudio and both floors back to back
    const rounds: Array<{ build: BuildRun; parallel: number; sequential: number; processes: number }> = [];
    for (let round = 0; round < RUNS; round++) {
      const loudness = -18 + round;
      await writeFile(join(dir, 'kieaudio.config.yaml'), config(loudness));
      const chain = (await loadProject({ cwd: dir, env: {} })).assets[0]?.post;
      if (chain?.loudness !== loudness) throw new Error('the assets do not have the chain of this round');

      const before = requests();
      const build = await timedBuild(ctx.cli, dir, env);
      const apiCalls = requests() - before;
      if (build.processed !== FILES || apiCalls !== 0) {
        throw new Error(`re-derive build: ${build.processed} processed, ${apiCalls} API requests; ${JSON.stringify(build.summary)}`);
      }
      const par = await floor(binary.path, chain, raws, join(dir, 'floor-par'), parallel);
      const seq = await floor(binary.path, chain, raws, join(dir, 'floor-seq'), 1);
      rounds.push({ build, parallel: par.ms, sequential: seq.ms, processes: par.processes });
      ctx.log(
        `  loudness ${loudness}: kieaudio ${build.ms.toFixed(0)} ms (processing ${build.processingMs.toFixed(0)} ms), floor ${par.ms.toFixed(0)} ms at ${parallel}, ${seq.ms.toFixed(0)} ms one at a time`,
      );
    }

    const rate = (ms: number) => FILES / (ms / 1000);
    const wholeRatio = median(rounds.map((r) => r.parallel / r.build.ms));
    const ratio = median(rounds.map((r) => r.parallel / r.build.processingMs));
    const buildMs = median(rounds.map((r) => r.build.ms));
    const processingMs = median(rounds.map((r) => r.build.processingMs));
    const parallelMs = median(rounds.map((r) => r.parallel));
    const sequentialMs = median(rounds.map((r) => r.sequential));
    const processes = Math.max(...rounds.map((r) => r.processes));
    const row = (what: string, ms: number) => `| ${what} | ${(ms / 1000).toFixed(2)} s | ${rate(ms).toFixed(1)} files/s |`;
    return {
      title: 'Post-processing throughput',
      ok: ratio >= TARGET,
      lines: [
        `${FILES} one-second raw takes (each a tone of its own, MP3; half voice lines, half effects), each re-derived with`,
        `\`{ loudness: -18, truePeak: -1, format: ogg }\` (−17, … in later rounds) after a build at −23 cached them: 0 API calls. The floor runs`,
        'the ffmpeg processes src/build/process.ts runs per file (measure, process, measure the output; a',
        'correction when it is off target) with the same arguments, spawned from Node with argument arrays',
        `(no shell), ${parallel} at a time (the build's ffmpeg concurrency: one per core) and one at a time. ${RUNS} rounds, each a new`,
        'target and the three jobs back to back; medians.',
        '',
        '| job | time | throughput |',
        '| --- | --- | --- |',
        row('`kieaudio build` re-deriving, the whole command', buildMs),
        row('of which: last `planned` line → last `processed` line', processingMs),
        row(`floor, ${parallel} at a time`, parallelMs),
        row('floor, one at a time', sequentialMs),
        '',
        `Throughput ratio, median of the per-round ratios: kieaudio's processing is ${ratio.toFixed(2)}× the parallel floor (target ≥ ${TARGET}×);`,
        `the whole command, start-up and loading included, ${wholeRatio.toFixed(2)}×. The floor ran ${(processes / FILES).toFixed(1)} ffmpeg processes`,
        `per file. The first build (generating and processing every asset) took ${(first.ms / 1000).toFixed(1)} s.`,
      ],
    };
  } finally {
    await sim.close();
  }
}
