/**
 * A no-op build of 10,000 voice lines declared in one string table against the same 10,000
 * declared in YAML spec files (the no-op section's project): reading a CSV must not make the
 * everyday build slower. Measured twice: as it usually runs (the up-to-date stamp or the project
 * snapshot: build/up-to-date-stamp.ts, spec/project-snapshot.ts), and with both removed before
 * each run, when every file is read and validated (for YAML, through the parse cache). Target:
 * ≤ 1.5× the YAML figure.
 */

import { writeFixture } from './fixtures.js';
import { run, timeRuns } from './measure.js';
import type { BenchContext, Section } from './run.js';

const ASSETS = 10_000;
const RUNS = 5;
/** relative to the project folder: what lets a no-op build skip reading the specs */
const SHORTCUTS = ['.kieaudio/project-snapshot.json', '.kieaudio/up-to-date.json'].map((file) => JSON.stringify(file)).join(' ');

interface Figures {
  ms: number;
  maxRssKb: number;
}

export async function benchStrings(ctx: BenchContext): Promise<Section> {
  const measure = async (strings: boolean): Promise<{ usual: Figures; full: Figures }> => {
    const dir = await ctx.scratch();
    await writeFixture(dir, { assets: ASSETS, built: true, strings });
    const warm = await run(['node', ctx.cli, 'build'], { cwd: dir });
    if (warm.code !== 0 || !warm.stdout.includes(`${ASSETS} up to date`)) {
      throw new Error(`warm-up build of ${ASSETS} assets did not find them up to date:\n${warm.stdout}${warm.stderr}`);
    }
    const usual = await timeRuns(['node', ctx.cli, 'build'], { cwd: dir, times: RUNS });
    const full = await timeRuns(['sh', '-c', `rm -f ${SHORTCUTS} && exec node "$0" build`, ctx.cli], {
      cwd: dir,
      times: RUNS,
    });
    return { usual, full };
  };
  const yaml = await measure(false);
  const csv = await measure(true);
  const ratio = csv.usual.ms / yaml.usual.ms;
  const fullRatio = csv.full.ms / yaml.full.ms;
  ctx.log(`  ${ASSETS} assets: string table ${csv.usual.ms.toFixed(0)} ms, YAML ${yaml.usual.ms.toFixed(0)} ms, ratio ${ratio.toFixed(2)}`);
  ctx.log(
    `  snapshot and stamp removed: string table ${csv.full.ms.toFixed(0)} ms, YAML ${yaml.full.ms.toFixed(0)} ms, ratio ${fullRatio.toFixed(2)}`,
  );
  const row = (label: string, ms: number, base: number, rssKb: number) =>
    `| ${label} | ${ms.toFixed(0)} ms | ${(ms / base).toFixed(2)}× | ${(rssKb / 1024).toFixed(0)} MB |`;
  return {
    title: 'No-op build from a string table',
    ok: ratio <= 1.5 && fullRatio <= 1.5,
    lines: [
      `Median of ${RUNS} runs of \`kieaudio build\` on an up-to-date project of ${ASSETS.toLocaleString('en')} voice lines, declared in one`,
      'CSV string table, against the same lines in YAML spec files (100 per file). "Full load": the project snapshot',
      'and the up-to-date stamp removed before each run, so every file is read and validated (YAML through its parse',
      'cache, the CSV parsed).',
      '',
      '| declared in | kieaudio build | ratio | peak RSS |',
      '| --- | --- | --- | --- |',
      row('YAML spec files', yaml.usual.ms, yaml.usual.ms, yaml.usual.maxRssKb),
      row('one string table', csv.usual.ms, yaml.usual.ms, csv.usual.maxRssKb),
      row('YAML spec files, full load', yaml.full.ms, yaml.full.ms, yaml.full.maxRssKb),
      row('one string table, full load', csv.full.ms, yaml.full.ms, csv.full.maxRssKb),
      '',
      `Target: ≤ 1.5× the YAML figure (${ratio.toFixed(2)}×; ${fullRatio.toFixed(2)}× on a full load).`,
    ],
  };
}
