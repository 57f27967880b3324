/** `status` (each asset's state, as `build` would see it) and `clean`. */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, clean, status } from '../../src/index.js';
import { BUILD_LOCK_FILE } from '../../src/store/build-lock.js';
import { jsonLines, kieaudio, spawnKieaudio } from '../helpers/cli.js';
import { deadPid } from '../helpers/dead-pid.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;
const SPEC = ['a', 'b', 'c', 'd'].map((id) => `  - { id: ${id}, kind: voice, text: "Line ${id}.", out: ${id}.mp3 }\n`).join('');

const project = () => makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${SPEC}` });

/** A built project, a pid no process has, and a cache shard: where a killed build's temp files go. */
async function builtForTemps() {
  const dir = await project();
  const sim = await simulator();
  await build({ cwd: dir, env: simEnv(sim) });
  const shard = (await readdir(join(dir, '.kieaudio/cache')))[0] ?? '';
  return { dir, sim, dead: await deadPid(), shard };
}

describe('status', () => {
  it('tells up to date, stale, missing and hand-edited assets apart', async () => {
    const dir = await project();
    const sim = await simulator();
    await build({ cwd: dir, env: simEnv(sim) });
    await writeFile(join(dir, 'audio/x.audio.yaml'), `assets:\n${SPEC.replace('Line b.', 'Line b, again.')}`);
    await rm(join(dir, 'out/c.mp3'));
    await writeFile(join(dir, 'out/d.mp3'), 'my own take');
    const requests = totalRequests(sim);
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');

    const result = await status({ cwd: dir, env: simEnv(sim) });
    expect(result.assets.map((a) => [a.out, a.status, a.reason])).toEqual([
      ['a.mp3', 'up to date', 'up to date'],
      ['b.mp3', 'stale', 'text changed'],
      ['c.mp3', 'missing', 'output missing, restoring from cache'],
      ['d.mp3', 'modified by hand', 'edited by hand; left alone (use --force to replace it)'],
    ]);
    expect(totalRequests(sim)).toBe(requests);
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lock);
  });

  it('shows --offline placeholders as such until a real build replaces them', async () => {
    const dir = await project();
    await build({ cwd: dir, env: {}, offline: true });
    expect((await status({ cwd: dir, env: {} })).assets.map((a) => a.status)).toEqual(Array(4).fill('placeholder'));
    expect((await status({ cwd: dir, env: {}, offline: true })).assets.map((a) => a.status)).toEqual(Array(4).fill('up to date'));
  });
});

describe('clean', () => {
  it('deletes temp files killed builds left in output folders and the cache, and keeps those of live processes', async () => {
    const { dir, sim, dead, shard } = await builtForTemps();
    const stale = [
      join(dir, `out/.a.mp3.${dead}.abc0.kieaudio-tmp`),
      join(dir, `.kieaudio/cache/${shard}/.x.audio.${dead}.abc1.kieaudio-tmp`),
    ];
    const live = join(dir, `out/.b.mp3.${process.pid}.abc2.kieaudio-tmp`);
    for (const path of [...stale, live]) await writeFile(path, 'partial');

    const dry = await clean({ cwd: dir, env: {}, dryRun: true });
    expect(dry.tempFilesRemoved).toBe(2);
    for (const path of stale) expect(await readFile(path, 'utf8')).toBe('partial');

    const result = await clean({ cwd: dir, env: {} });
    expect(result).toMatchObject({ removed: [], tempFilesRemoved: 2 });
    for (const path of stale) await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(live, 'utf8')).toBe('partial');
    expect((await status({ cwd: dir, env: simEnv(sim) })).assets.every((a) => a.status === 'up to date')).toBe(true);
  });
});

describe('clean while a build holds the project', () => {
  it('says it is waiting, as a second build does, and goes on when the build ends; --no-wait fails at once', async ({ onTestFinished }) => {
    const dir = await project();
    const lock = join(dir, '.kieaudio', BUILD_LOCK_FILE);
    await mkdir(join(dir, '.kieaudio'));
    const since = new Date().toISOString();
    // this test's own process stands in for the running build: alive, on this host
    const holder = `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: since, token: 'feedfacefeedface' })}\n`;
    await writeFile(lock, holder);

    const noWait = await kieaudio(dir, ['clean', '--no-wait']);
    expect(noWait.code).toBe(1);
    expect(noWait.stderr).toContain(`another kieaudio build is running in this project (pid ${process.pid} on ${hostname()}`);

    const waiting = spawnKieaudio(dir, ['clean'], {}, onTestFinished);
    const line = `waiting for another kieaudio build (pid ${process.pid} on ${hostname()}, since ${since}) to finish…`;
    await waiting.waitFor(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), { stream: 'stdout' });
    expect(waiting.exited).toBe(false);
    await rm(lock);
    expect(await waiting.exitCode).toBe(0);
    expect(waiting.stdout).toBe(`${line}\nnothing to clean\n`);

    await writeFile(lock, holder);
    const json = spawnKieaudio(dir, ['clean', '--json'], {}, onTestFinished);
    await json.waitFor(/"type":"waiting-for-lock"/, { stream: 'stdout' });
    await rm(lock);
    expect(await json.exitCode).toBe(0);
    expect(jsonLines(json.stdout).map((l) => l.type)).toEqual(['waiting-for-lock', 'clean']);
  });
});

describe('clean --cache', () => {
  it('prunes cache entries nothing uses, and shards they leave empty; what is used stays and restores', async () => {
    const dir = await project();
    const sim = await simulator();
    await build({ cwd: dir, env: simEnv(sim) });
    const cacheDir = join(dir, '.kieaudio/cache');
    const entries = async () =>
      // the shards of entries (the take index, takes/, is counted in test/commands/takes.test.ts)
      (
        await Promise.all(
          (
            await readdir(cacheDir)
          )
            .filter((s) => s !== 'takes')
            .map(async (s) => (await readdir(join(cacheDir, s))).map((f) => `${s}/${f}`)),
        )
      ).flat();
    const before = await entries();
    expect(before.length).toBe(8); // a record and a data file per asset
    await writeFile(join(dir, 'audio/x.audio.yaml'), `assets:\n${SPEC.replace('Line b.', 'Line b, again.')}`);
    await build({ cwd: dir, env: simEnv(sim) });
    const grown = await entries();
    expect(grown.length).toBe(10);

    expect((await clean({ cwd: dir, env: {}, cache: true, dryRun: true })).cacheEntriesRemoved).toBe(1);
    expect(await entries()).toEqual(grown);
    const result = await clean({ cwd: dir, env: {}, cache: true });
    expect(result.cacheEntriesRemoved).toBe(1);
    const after = await entries();
    expect(after.length).toBe(8);
    // the old take of b is what went; no shard is left empty
    for (const shard of await readdir(cacheDir)) expect((await readdir(join(cacheDir, shard))).length, shard).toBeGreaterThan(0);

    const requests = totalRequests(sim);
    for (const id of ['a', 'b', 'c', 'd']) await rm(join(dir, `out/${id}.mp3`));
    const restored = await build({ cwd: dir, env: simEnv(sim) });
    expect(restored.summary).toMatchObject({ restored: 4, generated: 0, failed: 0 });
    expect(totalRequests(sim)).toBe(requests);
  });
});

describe('a build after a killed one', () => {
  /** A built project, then what a kill -9 can leave: its lock, and temp files of its pid. */
  async function killedBuildLeftovers() {
    const { dir, sim, dead, shard } = await builtForTemps();
    // a refreshed cache record and a result beside an output the next build adopts: neither in a
    // folder a no-op build writes to; and a stat index in the state folder, which every build sweeps
    const stale = [
      join(dir, `.kieaudio/cache/${shard}/.x.json.${dead}.abc0.kieaudio-tmp`),
      join(dir, `out/.a.mp3.${dead}.abc1.kieaudio-tmp`),
      join(dir, `.kieaudio/.stat-index.json.${dead}.abc2.kieaudio-tmp`),
    ];
    const live = join(dir, `.kieaudio/cache/${shard}/.y.json.${process.pid}.abc3.kieaudio-tmp`);
    for (const path of [...stale, live]) await writeFile(path, 'partial');
    await writeFile(
      join(dir, '.kieaudio', BUILD_LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), startedAt: 'then', token: 'old' }),
    );
    return { dir, sim, stale, live };
  }

  it('takes over the dead build’s lock and deletes its temp files wherever they are, even where it writes nothing', async () => {
    const { dir, sim, stale, live } = await killedBuildLeftovers();
    const requests = totalRequests(sim);
    const result = await build({ cwd: dir, env: simEnv(sim) });
    expect(result.plan.items.map((i) => i.action.type)).toEqual(Array(4).fill('up-to-date'));
    expect(totalRequests(sim)).toBe(requests);
    for (const path of stale) await expect(readFile(path), path).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(live, 'utf8'), 'a live process’s temp file stays').toBe('partial');
  });

  it('deletes them even when it stops before writing (no API key for a new asset): the next build would not know', async () => {
    const { dir, stale, live } = await killedBuildLeftovers();
    await writeFile(join(dir, 'audio/x.audio.yaml'), `assets:\n${SPEC}  - { id: e, kind: voice, text: "Line e.", out: e.mp3 }\n`);
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    await expect(build({ cwd: dir, env: {} })).rejects.toMatchObject({ code: 'E_NO_API_KEY' });
    for (const path of stale) await expect(readFile(path), path).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(live, 'utf8')).toBe('partial');
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8'), 'the project itself is as it was').toBe(lock);
    expect(await readdir(join(dir, 'out'))).toEqual(['a.mp3', 'b.mp3', 'c.mp3', 'd.mp3']);
  });
});
