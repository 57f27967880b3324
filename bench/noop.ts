/**
 * No-op builds of 1,000, 10,000 and 50,000 assets (outputs present and up to date) against the
 * floor: a process that only reads and YAML-parses the same spec files.
 * Targets: ≤ 1.5× the floor at 10,000 assets; time per asset not growing with the asset count.
 */

import { writeFixture } from './fixtures.js';
import { run, timeRuns } from './measure.js';
import type { BenchContext, Section } from './run.js';

/** relative to the project folder: what a fresh clone lacks (the parse cache, the project snapshot) */
const LOAD_CACHES = ['.kieaudio/parse-cache.json', '.kieaudio/project-snapshot.json'];

const SIZES = [1_000, 10_000, 50_000];
const RUNS = 5;

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
    const warm = await run(['node', ctx.cli, 'build'], { cwd: dir });
    if (warm.code !== 0 || !warm.stdout.includes(`${assets} up to date`)) {
      throw new Error(`warm-up build of ${assets} assets did not find them up to date:\n${warm.stdout}${warm.stderr}`);
    }
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
      'data of every spec file hold, kieaudio reads none of them: the resolved project comes from',
      '`.kieaudio/project-snapshot.json`. The "first build after a clone" row has neither it nor the parse cache',
      '(`.kieaudio/parse-cache.json`, what YAML parsing made of each text): every file is read, parsed and validated.',
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
