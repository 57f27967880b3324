/**
 * Memory: peak RSS of a 10,000-asset no-op build (target ≤ 200 MB), and of a build downloading
 * 20 results of 50 MB each, against the same build with small results (target: RSS grows by less
 * than 50 MB — downloads are streamed to disk, never held in memory).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../src/sim/index.js';
import { writeFixture } from './fixtures.js';
import { run } from './measure.js';
import type { BenchContext, Section } from './run.js';

const BIG_FILES = 20;
/** pcm_48000 is 96,000 bytes a second: 546 s is 50 MiB */
const BIG_SECONDS = 546;

async function downloadBuild(ctx: BenchContext, resultSeconds: number): Promise<{ maxRssKb: number; bytes: number }> {
  const dir = await ctx.scratch();
  await writeFile(
    join(dir, 'kieaudio.config.yaml'),
    'version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: assets\napi:\n  rateLimit: { requests: 100, intervalSeconds: 1 }\n  pollRateLimit: { requests: 1000, intervalSeconds: 1 }\n  poll: { initialSeconds: 0.05, maxSeconds: 0.2 }\n',
  );
  const lines = ['assets:'];
  for (let i = 0; i < BIG_FILES; i++) {
    lines.push(`  - { kind: effect, text: "Rain on a tin roof, take ${i}", output_format: pcm_48000, out: rain-${i}.wav }`);
  }
  await mkdir(join(dir, 'audio'), { recursive: true });
  await writeFile(join(dir, 'audio', 'rain.audio.yaml'), `${lines.join('\n')}\n`);
  const sim = await startSimulator({ rateLimit: false, resultSeconds, latencyMs: { min: 20, max: 50 } });
  try {
    const r = await run(['node', ctx.cli, 'build', '--concurrency', '8'], {
      cwd: dir,
      env: { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url },
    });
    if (r.code !== 0) throw new Error(`download build failed: ${r.stderr}${r.stdout}`);
    return { maxRssKb: r.maxRssKb, bytes: BIG_FILES * resultSeconds * 96_000 };
  } finally {
    await sim.close();
  }
}

export async function benchMemory(ctx: BenchContext): Promise<Section> {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets: 10_000, built: true });
  await run(['node', ctx.cli, 'build'], { cwd: dir });
  const noop = await run(['node', ctx.cli, 'build'], { cwd: dir });
  if (noop.code !== 0) throw new Error(noop.stderr);
  const noopMb = noop.maxRssKb / 1024;

  const small = await downloadBuild(ctx, 1);
  const big = await downloadBuild(ctx, BIG_SECONDS);
  const growthMb = (big.maxRssKb - small.maxRssKb) / 1024;
  return {
    title: 'Memory',
    ok: noopMb <= 200 && growthMb < 50,
    lines: [
      '| job | peak RSS | target |',
      '| --- | --- | --- |',
      `| no-op build, 10,000 assets | ${noopMb.toFixed(0)} MB | ≤ 200 MB |`,
      `| build downloading ${BIG_FILES} × 96 KB results (pcm_48000, 1 s) | ${(small.maxRssKb / 1024).toFixed(0)} MB | baseline |`,
      `| build downloading ${BIG_FILES} × ${(big.bytes / BIG_FILES / 2 ** 20).toFixed(0)} MiB results | ${(big.maxRssKb / 1024).toFixed(0)} MB | |`,
      `| growth for ${(big.bytes / 2 ** 30).toFixed(2)} GiB downloaded | ${growthMb.toFixed(1)} MB | < 50 MB |`,
    ],
  };
}
