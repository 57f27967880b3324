/**
 * No-op builds of 1,000, 10,000 and 50,000 assets (outputs present and up to date) against the
 * floor: a process that only reads and YAML-parses the same spec files.
 * Targets: ≤ 1.5× the floor at 10,000 assets; time per asset not growing with the asset count.
 */

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFixture } from './fixtures.js';
import { run, timeRuns } from './measure.js';
import type { BenchContext, Section } from './run.js';

/** relative to the project folder: what a fresh clone lacks (the parse cache, the project snapshot, the up-to-date stamp) */
const STAMP = '.kieaudio/up-to-date.json';
const LOAD_CACHES = ['.kieaudio/parse-cache.json', '.kieaudio/project-snapshot.json', STAMP];

/** The stamp is written only once every output is older than its racy window (src/spec/snapshot-head.ts: RACY_MS). */
const RACY_WAIT_MS = 2_100;

const SIZES = [1_000, 10_000, 50_000];
const RUNS = 5;

/** Builds until the up-to-date stamp is written: the first build hashes every output once, the stamp waits for the racy window. */
async function warmUp(ctx: BenchContext, dir: string, assets: number): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const warm = await run(['node', ctx.cli, 'build'], { cwd: dir });
    if (warm.code !== 0 || !warm.stdout.includes(`${assets} up to date`)) {
      throw new Error(`warm-up build of ${assets} assets did not find them up to date:\n${warm.stdout}${warm.stderr}`);
    }
    if (await exists(join(dir, STAMP))) return;
    await sleep(RACY_WAIT_MS);
  }
  throw new Error(`no up-to-date stamp after three no-op builds of ${assets} assets`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function benchNoop(ctx: BenchContext): Promise<Section> {
  const rows: string[] = [];
  const perAsset: number[] = [];
  let ratioAt10k = Infinity;
  let coldRatio = Infinity;
  let ratioAt50k = Infinity;
  for (const assets of SIZES) {
    const dir = await ctx.scratch();
    await writeFixture(dir, { assets, built: true });
    // The first build hashes every output once and records it in the stat index.
    await warmUp(ctx, dir, assets);
    const build = await timeRuns(['node', ctx.cli, 'build'], { cwd: dir, times: RUNS });
    const floor = await timeRuns(['node', ctx.floor, dir], { cwd: dir, times: RUNS });
    const ratio = build.ms / floor.ms;
    if (assets === 10_000) ratioAt10k = ratio;
    if (assets === 50_000) ratioAt50k = ratio;
    perAsset.push(build.ms / assets);
    const row = (label: string, ms: number, rssKb: number) =>
      `| ${label} | ${ms.toFixed(0)} ms | ${floor.ms.toFixed(0)} ms | ${(ms / floor.ms).toFixed(2)}× | ${((ms / assets) * 1000).toFixed(0)} µs | ${(rssKb / 1024).toFixed(0)} MB |`;
    rows.push(row(assets.toLocaleString('en'), build.ms, build.maxRssKb));
    ctx.log(`  ${assets} assets: build ${build.ms.toFixed(0)} ms, floor ${floor.ms.toFixed(0)} ms, ratio ${ratio.toFixed(2)}`);
    if (assets === 10_000) {
      // The same no-op without the stamp: the project from its snapshot, the lock and the stat index read
      const unstamped = await timeRuns(['sh', '-c', `rm -f ${STAMP} && exec node "$0" build`, ctx.cli], { cwd: dir, times: RUNS });
      rows.push(row('10,000, without the up-to-date stamp', unstamped.ms, unstamped.maxRssKb));
      ctx.log(`  10000 assets, no stamp: build ${unstamped.ms.toFixed(0)} ms, ratio ${(unstamped.ms / floor.ms).toFixed(2)}`);
      // The same no-op with no parse cache and no project snapshot, as after a fresh clone or a
      // deleted .kieaudio/: every spec file is read, parsed and validated (and both written again).
      const remove = LOAD_CACHES.map((file) => JSON.stringify(file)).join(' ');
      const cold = await timeRuns(['sh', '-c', `rm -f ${remove} && exec node "$0" build`, ctx.cli], {
        cwd: dir,
        times: RUNS,
      });
      coldRatio = cold.ms / floor.ms;
      rows.push(row('10,000, first build after a clone', cold.ms, cold.maxRssKb));
      ctx.log(`  10000 assets, no parse cache nor snapshot: build ${cold.ms.toFixed(0)} ms, ratio ${coldRatio.toFixed(2)}`);
    }
  }
  // per-asset time may shrink as start-up is spread thinner; it must not grow
  const growth = (perAsset.at(-1) ?? 0) / (perAsset[1] ?? 1);
  const ok = ratioAt10k <= 1.5 && growth <= 1.1;
  return {
    title: 'No-op build',
    ok,
    lines: [
      `Median of ${RUNS} runs of \`kieaudio build\` on an up-to-date project (100 assets per spec file), against a`,
      'Node process that only globs, reads and YAML-parses the same files (`bench/floor-parse.ts`). While the stat',
      'data of every spec file, every output, the lock and the journal hold, `kieaudio build` loads nothing: it says',
      'again what the last no-op build said (`.kieaudio/up-to-date.json`). The "without the up-to-date stamp" row',
      'recalls the project from `.kieaudio/project-snapshot.json` and reads the lock and the stat index. The "first',
      'build after a clone" row has none of these nor the parse cache (`.kieaudio/parse-cache.json`, what YAML',
      'parsing made of each text): every file is read, parsed and validated.',
      '',
      '| assets | kieaudio build | floor | ratio | per asset | peak RSS |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Targets: ≤ 1.5× the floor at 10,000 assets (${ratioAt10k.toFixed(2)}×; ${coldRatio.toFixed(2)}× for the first build after a clone); time per`,
      `asset not growing with the count (50,000 vs 10,000: ${growth.toFixed(2)}×).`,
      `Faster than the floor (a later target): ≤ 0.5× at 10,000 and 50,000 assets — ${ratioAt10k <= 0.5 && ratioAt50k <= 0.5 ? 'met' : 'not yet'}`,
      `(${ratioAt10k.toFixed(2)}× and ${ratioAt50k.toFixed(2)}×).`,
    ],
  };
}
