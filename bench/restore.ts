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
  const insideMs: number[] = [];
  const cpMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = await ctx.scratch();
    await writeFixture(dir, { assets: ASSETS, built: true, cache: true, outputBytes: BYTES });
    const copy = await run(['cp', '-r', 'assets', 'assets-copy'], { cwd: dir });
    if (copy.code !== 0) throw new Error(copy.stderr);
    cpMs.push(copy.ms);
    await rm(join(dir, 'assets'), { recursive: true });
    const build = await run(['node', ctx.cli, 'build', '--json'], { cwd: dir });
    const summary = build.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; restored?: number; durationMs?: number })
      .find((e) => e.type === 'summary');
    if (build.code !== 0 || summary?.restored !== ASSETS) throw new Error(build.stdout + build.stderr);
    restoreMs.push(build.ms);
    insideMs.push(summary.durationMs ?? 0);
  }
  const mb = (ASSETS * BYTES) / 2 ** 20;
  const restore = median(restoreMs);
  const inside = median(insideMs);
  const cp = median(cpMs);
  const ratio = cp / restore;
  const insideRatio = cp / inside;
  return {
    title: 'Restore from cache',
    ok: insideRatio >= 0.5,
    lines: [
      `${ASSETS.toLocaleString('en')} deleted outputs of ${BYTES / 1024} KiB (${mb.toFixed(0)} MiB), median of ${RUNS} runs.`,
      '',
      '| | time | throughput |',
      '| --- | --- | --- |',
      `| \`kieaudio build\` (whole command: Node start-up, loading 1,000 specs, the lock, restoring) | ${restore.toFixed(0)} ms | ${(mb / (restore / 1000)).toFixed(0)} MiB/s |`,
      `| the build itself (its summary's \`durationMs\`) | ${inside.toFixed(0)} ms | ${(mb / (inside / 1000)).toFixed(0)} MiB/s |`,
      `| \`cp -r\` of the same files | ${cp.toFixed(0)} ms | ${(mb / (cp / 1000)).toFixed(0)} MiB/s |`,
      '',
      `Throughput ratio: ${insideRatio.toFixed(2)}× of \`cp\` for the build (target ≥ 0.5×); ${ratio.toFixed(2)}× counting the whole process.`,
      'Restores verify every file against the hash the cache recorded unless the cache file\'s stat data vouches',
      'for it (as git trusts its index), copy in the kernel, and install by rename.',
    ],
  };
}
