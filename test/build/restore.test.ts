/**
 * Restoring from the cache: the fast path (entries whose stat data vouch for them, copied in one
 * synchronous pass) and the verified path must give the same files, never a partial one, and stop
 * cleanly when the build is cancelled.
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, build } from '../../src/index.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const COUNT = 30;
const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;
const SPEC = `assets:\n${Array.from({ length: COUNT }, (_, i) => `  - { id: l${i}, kind: voice, text: "Line ${i}.", out: ${i % 2 ? 'odd' : 'even'}/l${i}.mp3 }\n`).join('')}`;
const outs = Array.from({ length: COUNT }, (_, i) => `${i % 2 ? 'odd' : 'even'}/l${i}.mp3`);

/**
 * A built project whose cache entries are old enough for their stat data to vouch for them, as
 * after any build more than a moment ago; returns the outputs' bytes.
 */
async function agedProject() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': SPEC });
  const sim = await simulator();
  const first = await runBuild(dir, simEnv(sim));
  expect(first.summary.generated).toBe(COUNT);
  const cache = createContentCache(join(dir, '.kieaudio/cache'));
  const past = new Date(Date.now() - 60_000);
  for (const hash of await cache.list()) {
    const record = await cache.lookup(hash);
    if (!record) throw new Error(`no record for ${hash}`);
    await utimes(cache.dataPath(hash), past, past);
    await cache.commit(hash, record); // records the data file's stat data as checked now
  }
  const bytes = new Map<string, Buffer>();
  for (const out of outs) bytes.set(out, await readFile(join(dir, 'out', out)));
  return { dir, sim, bytes, cache };
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('restoring deleted outputs', () => {
  it('copies every vouched entry back byte for byte, with zero API calls and no temp file left', async () => {
    const { dir, sim, bytes, cache } = await agedProject();
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    const records = async () =>
      Promise.all((await cache.list()).map((h) => readFile(cache.dataPath(h).replace(/\.audio$/, '.json'), 'utf8')));
    const recordsBefore = await records();
    await rm(join(dir, 'out'), { recursive: true });
    const before = totalRequests(sim);
    const result = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(result.failures).toEqual([]);
    expect(result.summary).toMatchObject({ restored: COUNT, generated: 0 });
    for (const out of outs) expect(await readFile(join(dir, 'out', out)), out).toEqual(bytes.get(out));
    expect(await filesUnder(join(dir, 'out'))).toEqual(['even', 'odd', ...outs].sort());
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lock);
    const restored = result.events.filter((e) => e.type === 'restored');
    expect(restored).toHaveLength(COUNT);
    expect(restored.every((e) => e.type === 'restored' && e.from === 'cache')).toBe(true);
    // trusted by their stat data: not hashed again (a check would have recorded a new time)
    expect(await records()).toEqual(recordsBefore);
    // the next build checks the fresh copies once, finds them intact, and does nothing
    const next = await runBuild(dir, simEnv(sim));
    expect(next.summary).toMatchObject({ upToDate: COUNT, restored: 0, generated: 0 });
  });

  it('checks an entry whose stat data changed against its hash: a damaged one is dropped, never copied, and fetched again from the API', async () => {
    const { dir, sim, bytes, cache } = await agedProject();
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as { assets: Record<string, { specHash: string }> };
    const damaged = lock.assets[outs[3] ?? '']?.specHash ?? '';
    const touched = lock.assets[outs[4] ?? '']?.specHash ?? '';
    // same size, new bytes; and one entry merely touched (new mtime, same bytes)
    const data = await readFile(cache.dataPath(damaged));
    await writeFile(cache.dataPath(damaged), Buffer.alloc(data.length, 7));
    await utimes(cache.dataPath(touched), new Date(), new Date());
    await rm(join(dir, 'out'), { recursive: true });

    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures.map((f) => f.out)).toEqual([outs[3]]);
    expect(result.summary).toMatchObject({ restored: COUNT - 1, failed: 1 });
    await expect(readFile(join(dir, 'out', outs[3] ?? ''))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, 'out', outs[4] ?? ''))).toEqual(bytes.get(outs[4] ?? ''));
    expect(await cache.list()).not.toContain(damaged);

    // the lock still names the task that made it, and the API still has its result: no charge
    const created = sim.stats().tasksCreated;
    const again = await runBuild(dir, simEnv(sim));
    expect(again.summary).toMatchObject({ generated: 0, recovered: 1, upToDate: COUNT - 1, creditsUsed: 0 });
    expect(sim.stats().tasksCreated).toBe(created);
    expect(await readFile(join(dir, 'out', outs[3] ?? ''))).toEqual(bytes.get(outs[3] ?? ''));
  });

  it('stops at once when cancelled mid-restore, keeping what was restored and leaving no temp file', async () => {
    const { dir, sim, bytes } = await agedProject();
    await rm(join(dir, 'out'), { recursive: true });
    const controller = new AbortController();
    const events: BuildEvent[] = [];
    const cancelled = build({
      cwd: dir,
      env: simEnv(sim),
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'restored' && events.filter((x) => x.type === 'restored').length === 5) controller.abort();
      },
    });
    await expect(cancelled).rejects.toThrow();
    const restored = events.flatMap((e) => (e.type === 'restored' ? [e.out] : []));
    expect(restored).toHaveLength(5);
    expect((await filesUnder(join(dir, 'out'))).filter((f) => f.endsWith('.mp3')).sort()).toEqual([...restored].sort());
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as { assets: Record<string, unknown> };
    expect(Object.keys(lock.assets)).toHaveLength(COUNT);
    for (const out of restored) expect(await readFile(join(dir, 'out', out))).toEqual(bytes.get(out));

    const rest = await runBuild(dir, simEnv(sim));
    expect(rest.summary).toMatchObject({ restored: COUNT - 5, upToDate: 5, generated: 0 });
  });

  it('refuses a folder swapped for a symlink leading outside outDir after validation, restoring the rest', async () => {
    const { dir, sim, bytes } = await agedProject();
    await rm(join(dir, 'out'), { recursive: true });
    const outside = join(dir, 'outside');
    const result = await runBuild(dir, simEnv(sim), {
      onEvent: (e) => {
        // after loading (which checks symlinks) and before restoring
        if (e.type === 'planned' && e.out === outs[0]) {
          mkdirSync(outside);
          mkdirSync(join(dir, 'out'), { recursive: true });
          symlinkSync(outside, join(dir, 'out', 'even'));
        }
      },
    });
    const evens = outs.filter((o) => o.startsWith('even/'));
    expect(result.failures.map((f) => f.out).sort()).toEqual([...evens].sort());
    expect(result.failures.every((f) => f.code === 'E_IO' && /outside outDir/.test(f.message))).toBe(true);
    expect(await readdir(outside)).toEqual([]);
    for (const out of outs.filter((o) => o.startsWith('odd/'))) expect(await readFile(join(dir, 'out', out))).toEqual(bytes.get(out));
  });

  it('makes a folder again that was deleted while the build ran, and restores into it', async () => {
    const { dir, sim, bytes } = await agedProject();
    await rm(join(dir, 'out'), { recursive: true });
    let first: string | undefined;
    const result = await runBuild(dir, simEnv(sim), {
      onEvent: (e) => {
        // `rm -rf out/` right after the first file is back
        if (e.type === 'restored' && first === undefined) {
          first = e.out;
          rmSync(join(dir, 'out'), { recursive: true });
        }
      },
    });
    expect(first).toBeDefined();
    expect(result.failures).toEqual([]);
    expect(result.summary.restored).toBe(COUNT);
    for (const out of outs) {
      if (out === first) continue; // deleted with the folder, after it was restored
      expect(await readFile(join(dir, 'out', out)), out).toEqual(bytes.get(out));
    }
  });

  it('a cache record that cannot be read stops the build instead of paying for the asset again', async () => {
    const { dir, sim, cache } = await agedProject();
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as { assets: Record<string, { specHash: string }> };
    const hash = lock.assets[outs[0] ?? '']?.specHash ?? '';
    const recordPath = cache.dataPath(hash).replace(/\.audio$/, '.json');
    // unreadable, as a record behind a permission or disk error would be (root ignores modes)
    await rm(recordPath);
    mkdirSync(recordPath);
    await rm(join(dir, 'out', outs[0] ?? ''));
    const created = sim.stats().tasksCreated;
    await expect(runBuild(dir, simEnv(sim))).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('cache record') });
    expect(sim.stats().tasksCreated).toBe(created);
  });
});
