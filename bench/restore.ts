/**
 * Restoring 1,000 deleted outputs from the cache, against copying the same files with `cp`.
 * Target: ≥ 0.5× the throughput of `cp` (kieaudio also verifies each file's hash and makes each
 * rename durable).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext, Section } from './run.js';
import { writeFixture } from './fixtures.js';
import { run, median } from './measure.js';

const ASSETS = 1_000;
const BYTES = 64 * 1024; // a short voice line
const RUNS = 3;

export async function benchRestore(ctx: BenchContext): Promise<Section> {
  const restoreMs: number[] = [];
  const cpMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = await ctx.scratch();
    await writeFixture(dir, { assets: ASSETS, built: true, cache: true, outputBytes: BYTES });
    const copy = await run(['cp', '-r', 'assets', 'assets-copy'], { cwd: dir });
    if (copy.code !== 0) throw new Error(copy.stderr);
    cpMs.push(copy.ms);
    await rm(join(dir, 'assets'), { recursive: true });
    const build = await run(['node', ctx.cli, 'build'], { cwd: dir });
    if (build.code !== 0 || !build.stdout.includes(`${ASSETS} restored`)) throw new Error(build.stdout + build.stderr);
    restoreMs.push(build.ms);
  }
  const mb = (ASSETS * BYTES) / 2 ** 20;
  const restore = median(restoreMs);
  const cp = median(cpMs);
  const ratio = cp / restore;
  return {
    title: 'Restore from cache',
    ok: ratio >= 0.5,
    lines: [
      `${ASSETS.toLocaleString('en')} deleted outputs of ${BYTES / 1024} KiB (${mb.toFixed(0)} MiB), median of ${RUNS} runs.`,
      '',
      '| | time | throughput |',
      '| --- | --- | --- |',
      `| \`kieaudio build\` (whole command) | ${restore.toFixed(0)} ms | ${(mb / (restore / 1000)).toFixed(0)} MiB/s |`,
      `| \`cp -r\` of the same files | ${cp.toFixed(0)} ms | ${(mb / (cp / 1000)).toFixed(0)} MiB/s |`,
      '',
      `Throughput ratio: ${ratio.toFixed(2)}× of \`cp\` (target ≥ 0.5×).`,
    ],
  };
}
