/**
 * Restoring 1,000 assets of a fresh clone from the team cache (nginx WebDAV on loopback), against
 * `curl --parallel` fetching the same blobs from the same server: the floor of any client. The
 * kieaudio figure is its whole fill window, from the first team cache line of `build --json` to
 * the last `restored` line: AC records, blobs checked on the way in, local cache entries, outputs.
 * Target: ≥ 0.5× the throughput of curl.
 */

import { setMaxListeners } from 'node:events';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { uploadEntry } from '../src/build/remote-entry.js';
import { createRemoteCache } from '../src/remote/remote-cache.js';
import { createContentCache } from '../src/store/content-cache.js';
import { FIXTURE_CONFIG, writeFixture } from './fixtures.js';
import { jsonBuild, median, run } from './measure.js';
import { startNginxCache } from './nginx-cache.js';
import type { BenchContext, Section } from './run.js';

const ASSETS = 1_000;
const BYTES = 64 * 1024;
const RUNS = 5;
const PARALLEL = 16; // the client's default concurrency (src/remote/remote-cache.ts)

/** `kieaudio build --json` on a clone: ms from the first `remote` line to the last `restored` one. */
async function timedFill(cli: string, cwd: string, env: Record<string, string>): Promise<number> {
  let first = 0;
  let last = 0;
  let restored = 0;
  const { code, stderr } = await jsonBuild(cli, cwd, env, (event, now) => {
    if (event.type === 'remote' && first === 0) first = now;
    if (event.type === 'restored') {
      last = now;
      restored++;
    }
  });
  if (code !== 0 || restored !== ASSETS) throw new Error(`build exited ${code} after ${restored} restores:\n${stderr}`);
  return last - first;
}

/** Uploads every cache entry of the built fixture, as the build that paid for them would have. */
async function seed(url: string, cacheDir: string): Promise<string[]> {
  const remote = createRemoteCache({ url });
  const cache = createContentCache(cacheDir);
  const blobs: string[] = [];
  const signal = new AbortController().signal;
  // a thousand uploads in flight on one signal, each an abort listener: expected, not a leak
  setMaxListeners(0, signal);
  try {
    const keys = await cache.list();
    await Promise.all(keys.map((key) => uploadEntry(remote, cache, key, signal)));
    for (const key of keys) blobs.push((await cache.lookup(key))?.contentHash ?? '');
  } finally {
    await remote.close();
  }
  return blobs;
}

export async function benchRemoteRestore(ctx: BenchContext): Promise<Section> {
  const title = 'Restore from the team cache';
  const server = await startNginxCache(await ctx.scratch());
  if (server === undefined)
    return { title, ok: true, lines: ['Skipped: nginx is not installed at /usr/sbin/nginx (apt-get install nginx-light).'] };
  try {
    const built = await ctx.scratch();
    await writeFixture(built, { assets: ASSETS, built: true, cache: true, outputBytes: BYTES });
    const blobs = await seed(server.url, join(built, '.kieaudio', 'cache'));
    const clone = await ctx.scratch();
    await writeFixture(clone, { assets: ASSETS, config: FIXTURE_CONFIG });
    const curlDir = await ctx.scratch();
    const list = join(curlDir, 'urls.txt');
    await writeFile(list, blobs.map((b) => `url = "${server.url}/cas/${b}"\noutput = "${join(curlDir, b)}"\n`).join(''));
    const fills: number[] = [];
    const curls: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const name of ['.kieaudio', 'assets', 'kieaudio.lock']) await rm(join(clone, name), { recursive: true, force: true });
      fills.push(await timedFill(ctx.cli, clone, { KIEAUDIO_REMOTE_CACHE_URL: server.url }));
      for (const name of await readdir(curlDir)) if (name !== 'urls.txt') await rm(join(curlDir, name));
      const curl = await run(['curl', '--silent', '--fail', '--parallel', '--parallel-max', String(PARALLEL), '--config', list], {
        cwd: curlDir,
      });
      if (curl.code !== 0) throw new Error(`curl exited ${curl.code}: ${curl.stderr}`);
      curls.push(curl.ms);
      ctx.log(`  kieaudio fill and restore ${fills.at(-1)?.toFixed(0)} ms, curl --parallel ${curl.ms.toFixed(0)} ms`);
    }
    const ratio = median(curls) / median(fills);
    const mb = (ASSETS * BYTES) / 2 ** 20;
    const row = (what: string, ms: number) => `| ${what} | ${ms.toFixed(0)} ms | ${(mb / (ms / 1000)).toFixed(0)} MiB/s |`;
    return {
      title,
      ok: ratio >= 0.5,
      lines: [
        `A fresh clone of ${ASSETS.toLocaleString('en')} assets of ${BYTES / 1024} KiB (${mb.toFixed(0)} MiB), all in the team cache: nginx WebDAV on loopback. ${RUNS} runs; medians.`,
        '',
        '| job | time | throughput |',
        '| --- | --- | --- |',
        row(
          'kieaudio: AC record, blob (sha256-checked), local cache entry, then the restore; from the first `remote` line to the last `restored`',
          median(fills),
        ),
        row(`\`curl --parallel --parallel-max ${PARALLEL}\` of the same blobs to files`, median(curls)),
        '',
        `Throughput ratio: kieaudio is ${ratio.toFixed(2)}× of curl (target ≥ 0.5×). kieaudio makes two requests per asset (the record, then the blob)`,
        'and writes each blob twice (the local cache, then `out`); curl one request and one file.',
      ],
    };
  } finally {
    await server.stop();
  }
}
