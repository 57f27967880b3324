/**
 * A no-op build of 10,000 voice lines declared in one string table against the same 10,000
 * declared in YAML spec files (the no-op section's project, parse cache warm): reading a CSV
 * must not make the everyday build slower. Target: ≤ 1.5× the YAML figure.
 */

import { writeFixture } from './fixtures.js';
import { run, timeRuns } from './measure.js';
import type { BenchContext, Section } from './run.js';

const ASSETS = 10_000;
const RUNS = 5;

export async function benchStrings(ctx: BenchContext): Promise<Section> {
  const measure = async (strings: boolean) => {
    const dir = await ctx.scratch();
    await writeFixture(dir, { assets: ASSETS, built: true, strings });
    const warm = await run(['node', ctx.cli, 'build'], { cwd: dir });
    if (warm.code !== 0 || !warm.stdout.includes(`${ASSETS} up to date`)) {
      throw new Error(`warm-up build of ${ASSETS} assets did not find them up to date:\n${warm.stdout}${warm.stderr}`);
    }
    return timeRuns(['node', ctx.cli, 'build'], { cwd: dir, times: RUNS });
  };
  const yaml = await measure(false);
  const csv = await measure(true);
  const ratio = csv.ms / yaml.ms;
  ctx.log(`  ${ASSETS} assets: string table ${csv.ms.toFixed(0)} ms, YAML ${yaml.ms.toFixed(0)} ms, ratio ${ratio.toFixed(2)}`);
  const row = (label: string, ms: number, rssKb: number) =>
    `| ${label} | ${ms.toFixed(0)} ms | ${(ms / yaml.ms).toFixed(2)}× | ${(rssKb / 1024).toFixed(0)} MB |`;
  return {
    title: 'No-op build from a string table',
    ok: ratio <= 1.5,
    lines: [
      `Median of ${RUNS} runs of \`kieaudio build\` on an up-to-date project of ${ASSETS.toLocaleString('en')} voice lines, declared in one`,
      'CSV string table, against the same lines in YAML spec files (100 per file, parse cache warm).',
      '',
      '| declared in | kieaudio build | ratio | peak RSS |',
      '| --- | --- | --- | --- |',
      row('YAML spec files', yaml.ms, yaml.maxRssKb),
      row('one string table', csv.ms, csv.maxRssKb),
      '',
      `Target: ≤ 1.5× the YAML figure (${ratio.toFixed(2)}×).`,
    ],
  };
}
