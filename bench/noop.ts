/**
 * No-op builds of 1,000, 10,000 and 50,000 assets (outputs present and up to date) against the
 * floor: a process that only reads and YAML-parses the same spec files.
 * Targets: ≤ 1.5× the floor at 10,000 assets; time per asset not growing with the asset count.
 */

import { writeFixture } from './fixtures.js';
import { run, timeRuns } from './measure.js';
import type { BenchContext, Section } from './run.js';

/** relative to the project folder */
const PARSE_CACHE = '.kieaudio/parse-cache.json';

const SIZES = [1_000, 10_000, 50_000];
const RUNS = 5;

export async function benchNoop(ctx: BenchContext): Promise<Section> {
  const rows: string[] = [];
  const perAsset: number[] = [];
  let ratioAt10k = Infinity;
  let coldRatio = Infinity;
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
    perAsset.push(build.ms / assets);
    const row = (label: string, ms: number, rssKb: number) =>
      `| ${label} | ${ms.toFixed(0)} ms | ${floor.ms.toFixed(0)} ms | ${(ms / floor.ms).toFixed(2)}× | ${((ms / assets) * 1000).toFixed(0)} µs | ${(rssKb / 1024).toFixed(0)} MB |`;
    rows.push(row(assets.toLocaleString('en'), build.ms, build.maxRssKb));
    ctx.log(`  ${assets} assets: build ${build.ms.toFixed(0)} ms, floor ${floor.ms.toFixed(0)} ms, ratio ${ratio.toFixed(2)}`);
    if (assets === 10_000) {
      // The same no-op with no parse cache, as after a fresh clone or a deleted .kieaudio/:
      // every spec file is parsed (and the cache written again).
      const cold = await timeRuns(['sh', '-c', `rm -f ${JSON.stringify(PARSE_CACHE)} && exec node "$0" build`, ctx.cli], {
        cwd: dir,
        times: RUNS,
      });
      coldRatio = cold.ms / floor.ms;
      rows.push(row('10,000, parse cache empty', cold.ms, cold.maxRssKb));
      ctx.log(`  10000 assets, parse cache empty: build ${cold.ms.toFixed(0)} ms, ratio ${coldRatio.toFixed(2)}`);
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
      'Node process that only globs, reads and YAML-parses the same files (`bench/floor-parse.ts`). kieaudio reads',
      'every spec file and validates every asset on every build, but parses again only the files whose text changed',
      '(`.kieaudio/parse-cache.json`); the "parse cache empty" row is the first build after a clone.',
      '',
      '| assets | kieaudio build | floor | ratio | per asset | peak RSS |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Targets: ≤ 1.5× the floor at 10,000 assets (${ratioAt10k.toFixed(2)}×; ${coldRatio.toFixed(2)}× with the parse cache empty); time per`,
      `asset not growing with the count (50,000 vs 10,000: ${growth.toFixed(2)}×).`,
    ],
  };
}
