import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFixture } from './fixtures.js';
import { jsonBuild, median, run, settleDisk } from './measure.js';
import type { BenchContext, Section } from './run.js';

const ASSETS = 1_000;
const BYTES = 64 * 1024; // a short voice line
const RUNS = 9;

interface Timed {
  /** the whole command */
  totalMs: number;
  /** from the last `planned` line to the last `restored` line of --json: the restore itself */
  restoreMs: number;
}

/** `kieaudio build --json`, timing each line as it arrives (Node writes pipes synchronously). */
async function timedBuild(cli: string, cwd: string): Promise<Timed> {
  const started = performance.now();
  let lastPlanned = 0;
  let lastRestored = 0;
  let restored = 0;
  const { code, stderr } = await jsonBuild(cli, cwd, {}, (event, now) => {
    if (event.type === 'planned') lastPlanned = now;
    if (event.type === 'restored') {
      lastRestored = now;
      restored++;
    }
  });
  if (code !== 0 || restored !== ASSETS) throw new Error(`build exited ${code} after ${restored} restores:\n${stderr}`);
  return { totalMs: performance.now() - started, restoreMs: lastRestored - lastPlanned };
}

export async function benchRestore(ctx: BenchContext): Promise<Section> {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets: ASSETS, built: true, cache: true, outputBytes: BYTES });
  const assets = join(dir, 'assets');
  const pristine = join(await ctx.scratch(), 'assets');
  await cp(assets, pristine, { recursive: true });
  const floorScript = join(ctx.root, 'dist-bench', 'bench', 'floor-restore.js');

  // What each job reads: kieaudio its program (dist/ and its production dependencies, not the
  // whole of node_modules, whose dev tools would only swell the page cache), project, lock and
  // cache; cp the files it copies.
  const deps = await run(['npm', 'ls', '--omit=dev', '--all', '--parseable'], { cwd: ctx.root });
  const program = [process.execPath, join(ctx.root, 'dist'), ...deps.stdout.trim().split('\n').slice(1)];
  const projectState = [join(dir, 'audio'), join(dir, 'kieaudio.lock'), join(dir, '.kieaudio')];
  let dropped = true;
  if (process.env.KIEAUDIO_BENCH_KEEP_CACHE !== '1') {
    ctx.log('  (as root, each timed run starts from a dropped page cache; KIEAUDIO_BENCH_KEEP_CACHE=1 to not)');
  }
  const settle = async (warm: string[]) => {
    await rm(assets, { recursive: true, force: true });
    dropped = (await settleDisk(warm)) && dropped;
  };

  const builds: Timed[] = [];
  const floors: number[] = [];
  const cps: number[] = [];
  const ratios: number[] = [];
  const floorRatios: number[] = [];
  const wholeRatios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await settle([...program, ...projectState]);
    const build = await timedBuild(ctx.cli, dir);

    await settle([process.execPath, floorScript, ...projectState]);
    const floorRun = await run(['node', floorScript, dir], { cwd: dir });
    const [files, floorMs] = floorRun.stdout.trim().split(' ').map(Number);
    if (floorRun.code !== 0 || files !== ASSETS || floorMs === undefined) throw new Error(floorRun.stdout + floorRun.stderr);

    await settle([pristine]);
    const copy = await run(['cp', '-r', pristine, assets], { cwd: dir });
    if (copy.code !== 0) throw new Error(copy.stderr);

    builds.push(build);
    floors.push(floorMs);
    cps.push(copy.ms);
    // equal bytes: the throughput ratio is the inverse ratio of the times
    ratios.push(copy.ms / build.restoreMs);
    floorRatios.push(floorMs / build.restoreMs);
    wholeRatios.push(copy.ms / build.totalMs);
    ctx.log(
      `  restore ${build.restoreMs.toFixed(0)} ms (whole command ${build.totalMs.toFixed(0)} ms), atomic floor ${floorMs.toFixed(0)} ms, cp ${copy.ms.toFixed(0)} ms`,
    );
  }
  const mb = (ASSETS * BYTES) / 2 ** 20;
  const restoreMs = median(builds.map((b) => b.restoreMs));
  const totalMs = median(builds.map((b) => b.totalMs));
  const ratio = median(ratios);
  const row = (what: string, ms: number) => `| ${what} | ${ms.toFixed(0)} ms | ${(mb / (ms / 1000)).toFixed(0)} MiB/s |`;
  return {
    title: 'Restore from cache',
    ok: ratio >= 0.5,
    lines: [
      `${ASSETS.toLocaleString('en')} deleted outputs of ${BYTES / 1024} KiB (${mb.toFixed(0)} MiB). ${RUNS} runs, each doing the three jobs below`,
      `back to back into the same folder; before each job \`sync\`${dropped ? ', the page cache dropped and the files the job reads read back in' : ' (the page cache could not be dropped: not root)'}. Medians.`,
      '',
      '| job | time | throughput |',
      '| --- | --- | --- |',
      row('kieaudio restoring (from the last `planned` line of `build --json` to the last `restored` line)', restoreMs),
      row('atomic-copy floor: stat, kernel copy to a temp file, rename; nothing else (`bench/floor-restore.ts`)', median(floors)),
      row('`cp -r` of the same files (writes in place)', median(cps)),
      row('the whole `kieaudio build` (Node start-up, loading 1,000 specs, the lock, gathering, restoring)', totalMs),
      '',
      `Throughput ratio, median of the per-run ratios: restoring is ${ratio.toFixed(2)}× of \`cp\` (target ≥ 0.5×) and`,
      `${median(floorRatios).toFixed(2)}× of the atomic-copy floor; the whole command is ${median(wholeRatios).toFixed(2)}× of \`cp\`.`,
      'The restoring window covers every copy and rename and the lock entries in memory. The lock file is rewritten',
      'only when an entry changes, which here none does: the lock still describes the deleted outputs.',
    ],
  };
}
