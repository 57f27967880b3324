/**
 * Takes over real HTTP against the simulator: `--regenerate` keeps earlier takes, `takes` lists
 * them, `pin` installs one and builds keep it while the spec is unchanged, `unpin` goes back to
 * the newest, and pruning the cache keeps every take of a spec in use.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clean, type KieaudioError, pin, takes, unpin } from '../../src/index.js';
import { BUILD_LOCK_FILE } from '../../src/store/build-lock.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { takeKey } from '../../src/store/takes.js';
import { runBuild } from '../build/run-build.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;
const SPEC = `assets:
  - { id: hero.greet, kind: voice, text: "Well met.", out: hero/greet.mp3 }
  - { id: hero.bye, kind: voice, text: "Farewell.", out: hero/bye.mp3 }
`;

interface Made {
  taskId: string;
  bytes: Buffer;
}

/** A project whose `hero.greet` was generated, then regenerated twice: three takes. */
async function threeTakes() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': SPEC });
  const sim = await simulator();
  const env = simEnv(sim);
  const out = join(dir, 'out/hero/greet.mp3');
  const made: Made[] = [];
  for (const regenerate of [false, true, true]) {
    const result = await runBuild(dir, env, { regenerate, only: regenerate ? ['hero.greet'] : [] });
    const generated = result.events.find((e) => e.type === 'generated' && e.asset === 'hero.greet');
    if (generated?.type !== 'generated') throw new Error('hero.greet was not generated');
    made.push({ taskId: generated.taskId, bytes: await readFile(out) });
  }
  const lockPath = join(dir, 'kieaudio.lock');
  const readLock = () => readFile(lockPath, 'utf8');
  const entry = async () => (JSON.parse(await readLock()) as { assets: Record<string, Record<string, unknown>> }).assets['hero/greet.mp3'];
  return { dir, sim, env, out, made, readLock, entry };
}

const codeOf = (error: unknown) => (error as KieaudioError).code;

describe('takes', () => {
  it('lists every paid generation of the spec, oldest first, with its task, date and credits; the newest is current', async () => {
    const { dir, made } = await threeTakes();
    expect(new Set(made.map((m) => m.bytes.toString('hex'))).size).toBe(3);
    const { asset, takes: list } = await takes({ cwd: dir, env: {}, id: 'hero.greet' });
    expect(asset.out).toBe('hero/greet.mp3');
    expect(list.map((t) => t.n)).toEqual([1, 2, 3]);
    expect(list.map((t) => t.taskId)).toEqual(made.map((m) => m.taskId));
    expect(list.map((t) => [t.current, t.pinned, t.missing])).toEqual([
      [false, false, false],
      [false, false, false],
      [true, false, false],
    ]);
    for (const t of list) {
      expect(t.credits).toBeGreaterThan(0);
      expect(Date.parse(t.generatedAt ?? '')).not.toBeNaN();
    }
    expect(Date.parse(list[0]?.generatedAt ?? '')).toBeLessThanOrEqual(Date.parse(list[2]?.generatedAt ?? ''));
    // the other asset was generated once and never regenerated
    expect((await takes({ cwd: dir, env: {}, id: 'hero/bye.mp3' })).takes.map((t) => t.n)).toEqual([1]);
  });

  it('an unknown id is a usage error that says what was meant', async () => {
    const { dir } = await threeTakes();
    const error = await takes({ cwd: dir, env: {}, id: 'hero.gret' }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('E_USAGE');
    expect((error as Error).message).toContain('did you mean "hero.greet"?');
  });

  it('reports a take whose audio was deleted from the cache as missing, and will not pin it', async () => {
    const { dir, readLock } = await threeTakes();
    const { specHash } = await takes({ cwd: dir, env: {}, id: 'hero.greet' });
    const cache = createContentCache(join(dir, '.kieaudio/cache'));
    await rm(cache.dataPath(takeKey(specHash, 2)));
    const { takes: list } = await takes({ cwd: dir, env: {}, id: 'hero.greet' });
    expect(list.map((t) => [t.n, t.missing])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    const lock = await readLock();
    const error = await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 2 }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('E_IO');
    expect((error as Error).message).toMatch(/take 2 of hero\.greet is missing from the cache/);
    expect(await readLock()).toBe(lock);
  });
});

describe('pin', () => {
  it('installs the take, records the pin, and builds keep it: no API call, the lock byte-identical, a deleted output restored from it', async () => {
    const { dir, sim, env, out, made, readLock, entry } = await threeTakes();
    const result = await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 });
    expect(result).toEqual({ asset: 'hero.greet', out: 'hero/greet.mp3', take: 1 });
    expect(await readFile(out)).toEqual(made[0]?.bytes);
    expect(await entry()).toMatchObject({ pinned: 1, taskId: made[0]?.taskId });
    const pinnedLock = await readLock();
    const listed = (await takes({ cwd: dir, env: {}, id: 'hero.greet' })).takes;
    expect(listed.map((t) => [t.n, t.current, t.pinned])).toEqual([
      [1, true, true],
      [2, false, false],
      [3, false, false],
    ]);

    const requests = totalRequests(sim);
    const rebuild = await runBuild(dir, env);
    expect(rebuild.summary).toMatchObject({ upToDate: 2, generated: 0, restored: 0 });
    expect(rebuild.events.find((e) => e.type === 'planned' && e.asset === 'hero.greet')).toMatchObject({
      action: 'up-to-date',
      reason: 'up to date, pinned take 1',
    });
    expect(await readLock()).toBe(pinnedLock);

    await rm(out);
    const restore = await runBuild(dir, env);
    expect(restore.summary).toMatchObject({ restored: 1, generated: 0, failed: 0 });
    const planned = restore.events.find((e) => e.type === 'planned' && e.asset === 'hero.greet');
    expect(planned).toMatchObject({ action: 'restore', reason: 'output missing, restoring pinned take 1 from cache' });
    expect(await readFile(out)).toEqual(made[0]?.bytes);
    expect(await readLock()).toBe(pinnedLock);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('a pinned take gone from the cache and from out is fetched again from the API (free), not replaced by the newest', async () => {
    const { dir, sim, env, out, made, readLock } = await threeTakes();
    const { specHash } = await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 }).then(() =>
      takes({ cwd: dir, env: {}, id: 'hero.greet' }),
    );
    const pinnedLock = await readLock();
    const cache = createContentCache(join(dir, '.kieaudio/cache'));
    await rm(cache.dataPath(takeKey(specHash, 1)));
    await rm(out);
    const created = sim.stats().tasksCreated;
    const result = await runBuild(dir, env);
    expect(result.summary).toMatchObject({ recovered: 1, generated: 0, failed: 0, creditsUsed: 0 });
    expect(result.events.find((e) => e.type === 'generated')).toMatchObject({ taskId: made[0]?.taskId, origin: 'recovered' });
    expect(sim.stats().tasksCreated).toBe(created);
    expect(await readFile(out)).toEqual(made[0]?.bytes);
    expect(await readLock()).toBe(pinnedLock);
    // the newest take, which the recovered one replaced as the cache's main entry, is kept
    const list = (await takes({ cwd: dir, env: {}, id: 'hero.greet' })).takes;
    expect(list.map((t) => [t.n, t.current, t.pinned, t.missing])).toEqual([
      [1, true, true, false],
      [2, false, false, false],
      [3, false, false, false],
    ]);
  });

  it('waits for a running build (or with wait: false fails at once), but says at once that an id is unknown', async () => {
    const { dir, readLock } = await threeTakes();
    const holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: 'feedfacefeedface' };
    await writeFile(join(dir, '.kieaudio', BUILD_LOCK_FILE), `${JSON.stringify(holder)}\n`);
    const lock = await readLock();
    const locked = await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1, wait: false }).catch((e: unknown) => e);
    expect(codeOf(locked)).toBe('E_LOCKED');
    const unknown = await pin({ cwd: dir, env: {}, id: 'hero.gret', take: 1, wait: false }).catch((e: unknown) => e);
    expect(codeOf(unknown)).toBe('E_USAGE');
    expect(await readLock()).toBe(lock);
  });

  it('of a take that does not exist is a usage error listing the takes', async () => {
    const { dir, readLock } = await threeTakes();
    const lock = await readLock();
    const error = await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 9 }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('E_USAGE');
    expect((error as Error).message).toBe('hero.greet has no take 9; its takes are 1, 2, 3 (kieaudio takes hero.greet)');
    expect(await readLock()).toBe(lock);
  });

  it('leaves a hand-edited output alone unless forced', async () => {
    const { dir, out, made, entry } = await threeTakes();
    await writeFile(out, 'my own take');
    const error = await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('E_MODIFIED');
    expect(await readFile(out, 'utf8')).toBe('my own take');
    expect((await entry())?.pinned).toBeUndefined();
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1, force: true });
    expect(await readFile(out)).toEqual(made[0]?.bytes);
  });

  it('is dropped when the spec changes: the new spec is generated as usual, the old takes stay', async () => {
    const { dir, env, entry } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 2 });
    await writeFile(join(dir, 'audio/x.audio.yaml'), SPEC.replace('Well met.', 'Well met, friend.'));
    const result = await runBuild(dir, env);
    expect(result.summary).toMatchObject({ generated: 1, upToDate: 1 });
    expect((await entry())?.pinned).toBeUndefined();
    expect((await takes({ cwd: dir, env: {}, id: 'hero.greet' })).takes.map((t) => [t.n, t.current])).toEqual([[1, true]]);
    // back to the old text: its newest take is restored, for free; the pin is not
    await writeFile(join(dir, 'audio/x.audio.yaml'), SPEC);
    const back = await runBuild(dir, env);
    expect(back.summary).toMatchObject({ restored: 1, generated: 0 });
    expect((await takes({ cwd: dir, env: {}, id: 'hero.greet' })).takes.map((t) => t.n)).toEqual([1, 2, 3]);
  });

  it('--regenerate on a pinned asset makes a new take and releases the pin; the pinned take stays to go back to', async () => {
    const { dir, env, out, made, entry } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 });
    const result = await runBuild(dir, env, { regenerate: true, only: ['hero.greet'] });
    const planned = result.events.find((e) => e.type === 'planned' && e.asset === 'hero.greet');
    expect(planned).toMatchObject({ reason: '--regenerate (releases the pin on take 1, which stays in the cache)' });
    expect((await entry())?.pinned).toBeUndefined();
    const list = (await takes({ cwd: dir, env: {}, id: 'hero.greet' })).takes;
    expect(list.map((t) => [t.n, t.current, t.missing])).toEqual([
      [1, false, false],
      [2, false, false],
      [3, false, false],
      [4, true, false],
    ]);
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 });
    expect(await readFile(out)).toEqual(made[0]?.bytes);
  });
});

describe('unpin', () => {
  it('drops the pin and installs the newest take; builds then keep that', async () => {
    const { dir, sim, env, out, made, readLock, entry } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 });
    expect(await unpin({ cwd: dir, env: {}, id: 'hero.greet' })).toEqual({
      asset: 'hero.greet',
      out: 'hero/greet.mp3',
      take: 3,
      released: 1,
    });
    expect(await readFile(out)).toEqual(made[2]?.bytes);
    expect(await entry()).toMatchObject({ taskId: made[2]?.taskId });
    expect((await entry())?.pinned).toBeUndefined();
    const lock = await readLock();
    const requests = totalRequests(sim);
    expect((await runBuild(dir, env)).summary).toMatchObject({ upToDate: 2 });
    expect(await readLock()).toBe(lock);
    expect(totalRequests(sim)).toBe(requests);
    // nothing pinned: says so, changes nothing
    expect(await unpin({ cwd: dir, env: {}, id: 'hero.greet' })).toEqual({ asset: 'hero.greet', out: 'hero/greet.mp3', take: 3 });
    expect(await readLock()).toBe(lock);
  });
});

describe('--regenerate without a cache', () => {
  it('keeps the take at out that the lock records (a fresh clone): it can be pinned back', async () => {
    const { dir, env, out, made } = await threeTakes();
    await rm(join(dir, '.kieaudio/cache'), { recursive: true });
    await runBuild(dir, env, { regenerate: true, only: ['hero.greet'] });
    const list = (await takes({ cwd: dir, env: {}, id: 'hero.greet' })).takes;
    // the index went with the cache: take 3 (the committed output) is take 1 of this cache
    expect(list.map((t) => [t.n, t.taskId === made[2]?.taskId, t.current, t.missing])).toEqual([
      [1, true, false, false],
      [2, false, true, false],
    ]);
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 1 });
    expect(await readFile(out)).toEqual(made[2]?.bytes);
  });
});

describe('a build without the lock', () => {
  it('adopts an output that holds an earlier take, as it adopts the newest: no API call, nothing overwritten', async () => {
    const { dir, sim, env, out, made, entry } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 2 });
    await rm(join(dir, 'kieaudio.lock'));
    const requests = totalRequests(sim);
    const result = await runBuild(dir, env);
    const adopted = result.events.flatMap((e) => (e.type === 'adopted' ? [e.asset] : []));
    expect(adopted.sort()).toEqual(['hero.bye', 'hero.greet']);
    expect(totalRequests(sim)).toBe(requests);
    expect(await readFile(out)).toEqual(made[1]?.bytes);
    // the lock names the take's own task; the pin itself was in the lock that was lost
    expect(await entry()).toMatchObject({ taskId: made[1]?.taskId });
    expect((await entry())?.pinned).toBeUndefined();
  });
});

describe('clean --cache', () => {
  it('keeps every take of a spec in use, the pinned one too, and prunes the takes of specs no longer used', async () => {
    const { dir, env, out, made } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: 'hero.greet', take: 2 });
    expect((await clean({ cwd: dir, env: {}, cache: true })).cacheEntriesRemoved).toBe(0);
    const { specHash, takes: list } = await takes({ cwd: dir, env: {}, id: 'hero.greet' });
    expect(list.map((t) => t.missing)).toEqual([false, false, false]);
    const index = join(dir, '.kieaudio/cache/takes', specHash.slice(0, 2), `${specHash}.json`);
    expect(JSON.parse(await readFile(index, 'utf8'))).toMatchObject({ v: 1 });
    await rm(out);
    await runBuild(dir, env);
    expect(await readFile(out)).toEqual(made[1]?.bytes);

    // a new text: the old spec's main entry and its two kept takes are no longer used
    await writeFile(join(dir, 'audio/x.audio.yaml'), SPEC.replace('Well met.', 'Hail.'));
    await runBuild(dir, env);
    expect((await clean({ cwd: dir, env: {}, cache: true })).cacheEntriesRemoved).toBe(3);
    await expect(readFile(index, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(join(dir, 'audio/x.audio.yaml'), SPEC);
    const back = await takes({ cwd: dir, env: {}, id: 'hero.greet' });
    expect(back.takes).toEqual([]);
  });
});
