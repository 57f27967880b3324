/** Start-up: `kieaudio --version` and `kieaudio plan` on a 10-asset project, against `node -e 0`. */

import { writeFixture } from './fixtures.js';
import { timeRuns } from './measure.js';
import type { BenchContext, Section } from './run.js';

const RUNS = 10;

export async function benchStartup(ctx: BenchContext): Promise<Section> {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets: 10, built: true });
  const node = await timeRuns(['node', '-e', '0'], { cwd: dir, times: RUNS });
  const version = await timeRuns(['node', ctx.cli, '--version'], { cwd: dir, times: RUNS });
  const plan = await timeRuns(['node', ctx.cli, 'plan'], { cwd: dir, times: RUNS });
  const row = (name: string, r: { ms: number; maxRssKb: number }) =>
    `| ${name} | ${r.ms.toFixed(0)} ms | ${(r.ms / node.ms).toFixed(2)}× | ${(r.maxRssKb / 1024).toFixed(0)} MB |`;
  return {
    title: 'Start-up',
    ok: true,
    lines: [
      `Median of ${RUNS} runs.`,
      '',
      '| command | time | vs `node -e 0` | peak RSS |',
      '| --- | --- | --- | --- |',
      row('`node -e 0`', node),
      row('`kieaudio --version`', version),
      row('`kieaudio plan` (10 assets)', plan),
    ],
  };
}
