/**
 * Memory: peak RSS of a 10,000-asset no-op build (target ≤ 200 MB).
 */
import type { BenchContext, Section } from './run.js';
import { writeFixture } from './fixtures.js';
import { run } from './measure.js';

export async function benchMemory(ctx: BenchContext): Promise<Section> {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets: 10_000, built: true });
  await run(['node', ctx.cli, 'build'], { cwd: dir });
  const noop = await run(['node', ctx.cli, 'build'], { cwd: dir });
  if (noop.code !== 0) throw new Error(noop.stderr);
  const noopMb = noop.maxRssKb / 1024;
  return {
    title: 'Memory',
    ok: noopMb <= 200,
    lines: [
      '| job | peak RSS | target |',
      '| --- | --- | --- |',
      `| no-op build, 10,000 assets | ${noopMb.toFixed(0)} MB | ≤ 200 MB |`,
    ],
  };
}
