/**
 * Takes and sidecars together, over real HTTP against the simulator: each take of a scene line
 * keeps its own timing data, and whatever installs a take (`pin`, `unpin`, a build restoring a
 * pinned take or one of its deleted subtitle files) writes the sidecars of that take, not the
 * newest's; the sidecars show the line as written, not the lexicon's respelling. Each take is
 * made by a simulator giving results of another length, so their timing data differ.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, clean, pin, status, takes, unpin } from '../../src/index.js';
import { cachedTimingsPath } from '../../src/store/cache-timings.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { takeKey } from '../../src/store/takes.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
cast:
  captain: { voice: Charlotte }
lexicon:
  first: furst
`;

const SCENE = `scenes:
  - id: mine.entrance
    timestamps: true
    subtitles: [srt, vtt]
    lines:
      - { speaker: captain, text: "The tracks go down.", out: mine/01.mp3 }
      - { speaker: captain, text: "Then we are not the first.", out: mine/02.mp3 }
`;

const LINE = 'mine.entrance.2';
const SIDECARS = ['mine/02.timings.json', 'mine/02.srt', 'mine/02.vtt'];

/** `mine.entrance.2` generated, then regenerated twice: take n's audio lasts n + 1 seconds. */
async function threeTakes() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SCENE });
  const read = (out: string) => readFile(join(dir, 'out', out));
  const lockText = () => readFile(join(dir, 'kieaudio.lock'), 'utf8');
  const audio: Buffer[] = [];
  for (const seconds of [2, 3, 4]) {
    const sim = await simulator({ resultSeconds: seconds });
    const first = seconds === 2;
    const result = await runBuild(dir, simEnv(sim), first ? {} : { regenerate: true, only: [LINE] });
    expect(result.failures).toEqual([]);
    audio.push(await read('mine/02.mp3'));
  }
  const sim = await simulator({ resultSeconds: 9 });
  return { dir, sim, env: simEnv(sim), read, lockText, audio };
}

async function durationOf(dir: string, out = 'mine/02.timings.json'): Promise<number> {
  return (JSON.parse(await readFile(join(dir, 'out', out), 'utf8')) as { duration: number }).duration;
}

/** The end of the last cue of a subtitle file, in seconds. */
async function lastCueEnd(dir: string, out: string): Promise<number> {
  const text = await readFile(join(dir, 'out', out), 'utf8');
  const times = [...text.matchAll(/(\d\d):(\d\d):(\d\d)[,.](\d\d\d)/g)].map(
    ([, h, m, s, ms]) => Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000,
  );
  return Math.max(...times);
}

/** Every sidecar at `out` is take n's: its timing data lasts the take's length. */
async function expectTakeSidecars(dir: string, n: number): Promise<void> {
  const seconds = n + 1;
  expect(await durationOf(dir)).toBeCloseTo(seconds, 1);
  const doc = JSON.parse(await readFile(join(dir, 'out/mine/02.timings.json'), 'utf8')) as { words: Array<{ text: string }> };
  expect(doc.words.map((w) => w.text)).toEqual(['Then', 'we', 'are', 'not', 'the', 'first.']);
  for (const out of ['mine/02.srt', 'mine/02.vtt']) {
    const end = await lastCueEnd(dir, out);
    expect(end).toBeLessThanOrEqual(seconds);
    expect(end).toBeGreaterThan(seconds - 0.5);
  }
}

async function lockSidecars(lockText: () => Promise<string>): Promise<Record<string, string>> {
  return (JSON.parse(await lockText()) as { assets: Record<string, { sidecars: Record<string, string> }> }).assets['mine/02.mp3']
    ?.sidecars as Record<string, string>;
}

async function sha(dir: string, out: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256')
    .update(await readFile(join(dir, 'out', out)))
    .digest('hex');
}

describe('takes of a line with subtitles', () => {
  it('each take keeps its own timing data in the cache', async () => {
    const { dir } = await threeTakes();
    await expectTakeSidecars(dir, 3);
    const { specHash, takes: list } = await takes({ cwd: dir, env: {}, id: LINE });
    expect(list.map((t) => t.n)).toEqual([1, 2, 3]);
    const cache = createContentCache(join(dir, '.kieaudio/cache'));
    const kept = async (key: string) =>
      (JSON.parse(await readFile(cachedTimingsPath(cache, key), 'utf8')) as { duration: number }).duration;
    expect(await kept(takeKey(specHash, 1))).toBeCloseTo(2, 1);
    expect(await kept(takeKey(specHash, 2))).toBeCloseTo(3, 1);
    expect(await kept(specHash)).toBeCloseTo(4, 1);
  });

  it('pin installs the take with its own sidecars, recorded in the lock; a rebuild is a no-op', async () => {
    const { dir, sim, env, read, lockText, audio } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: LINE, take: 1 });
    expect(await read('mine/02.mp3')).toEqual(audio[0]);
    await expectTakeSidecars(dir, 1);
    const recorded = await lockSidecars(lockText);
    for (const out of SIDECARS) expect(recorded[out]).toBe(await sha(dir, out));
    expect(JSON.parse(await lockText()).assets['mine/02.mp3']).toMatchObject({ pinned: 1, lexicon: { first: 'furst' } });
    expect(await readFile(join(dir, 'out/mine/02.srt'), 'utf8')).toContain('Then we are not the first.');

    const lock = await lockText();
    const rebuild = await runBuild(dir, env);
    expect(rebuild.summary).toMatchObject({ upToDate: 2, generated: 0, restored: 0 });
    expect(rebuild.events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(await lockText()).toBe(lock);
    expect(totalRequests(sim)).toBe(0);
  });

  it("a deleted .srt of a pinned take is written again from that take's timing data, with no API call", async () => {
    const { dir, sim, env, lockText } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: LINE, take: 1 });
    const lock = await lockText();
    await rm(join(dir, 'out/mine/02.srt'));
    const before = (await status({ cwd: dir, env })).assets.find((a) => a.id === LINE);
    expect(before).toMatchObject({ status: 'missing', reason: expect.stringContaining('mine/02.srt missing') });
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    expect(result.events.find((e) => e.type === 'planned' && e.asset === LINE)).toMatchObject({ action: 'sidecars' });
    await expectTakeSidecars(dir, 1);
    expect(await lockText()).toBe(lock);
    expect(totalRequests(sim)).toBe(0);
  });

  it("a deleted output of a pinned take is restored with that take's sidecars", async () => {
    const { dir, sim, env, read, lockText, audio } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: LINE, take: 2 });
    const lock = await lockText();
    for (const out of ['mine/02.mp3', ...SIDECARS]) await rm(join(dir, 'out', out));
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    expect(await read('mine/02.mp3')).toEqual(audio[1]);
    await expectTakeSidecars(dir, 2);
    expect(await lockText()).toBe(lock);
    expect(totalRequests(sim)).toBe(0);
  });

  it("unpin installs the newest take's audio and sidecars", async () => {
    const { dir, sim, env, read, lockText, audio } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: LINE, take: 1 });
    await unpin({ cwd: dir, env: {}, id: LINE });
    expect(await read('mine/02.mp3')).toEqual(audio[2]);
    await expectTakeSidecars(dir, 3);
    const recorded = await lockSidecars(lockText);
    for (const out of SIDECARS) expect(recorded[out]).toBe(await sha(dir, out));
    const lock = await lockText();
    const rebuild = await runBuild(dir, env);
    expect(rebuild.summary).toMatchObject({ upToDate: 2 });
    expect(await lockText()).toBe(lock);
    expect(totalRequests(sim)).toBe(0);
  });

  it('clean --cache keeps the timing data of kept takes and prunes it with the entries of specs no longer used', async () => {
    const { dir, env } = await threeTakes();
    const { specHash } = await takes({ cwd: dir, env: {}, id: LINE });
    const cache = createContentCache(join(dir, '.kieaudio/cache'));
    const keys = [specHash, takeKey(specHash, 1), takeKey(specHash, 2)];
    const present = async () =>
      Promise.all(
        keys.map((k) =>
          readFile(cachedTimingsPath(cache, k)).then(
            () => true,
            () => false,
          ),
        ),
      );
    // timing data with no entry (a build killed before committing it) means nothing: it goes
    const { mkdir, writeFile } = await import('node:fs/promises');
    const stray = cachedTimingsPath(cache, 'ab'.repeat(32));
    await mkdir(join(stray, '..'), { recursive: true });
    await writeFile(stray, await readFile(cachedTimingsPath(cache, specHash)));
    expect((await clean({ cwd: dir, env: {}, cache: true })).cacheEntriesRemoved).toBe(0);
    expect(await present()).toEqual([true, true, true]);
    await expect(readFile(stray)).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(join(dir, 'audio/mine.audio.yaml'), SCENE.replace('not the first', 'the first'));
    expect((await runBuild(dir, env)).failures).toEqual([]);
    // the edited line and the line before it (its next_text changed): the old specs' entries go
    const removed = (await clean({ cwd: dir, env: {}, cache: true })).cacheEntriesRemoved;
    expect(removed).toBe(4);
    expect(await present()).toEqual([false, false, false]);
  });

  it("--regenerate without a cache keeps the committed output's timing data with its take: pinned back, its sidecars are its own", async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SCENE });
    const first = await runBuild(dir, simEnv(await simulator({ resultSeconds: 2 })));
    expect(first.failures).toEqual([]);
    await rm(join(dir, '.kieaudio/cache'), { recursive: true });
    const again = await runBuild(dir, simEnv(await simulator({ resultSeconds: 3 })), { regenerate: true, only: [LINE] });
    expect(again.failures).toEqual([]);
    await expectTakeSidecars(dir, 2);
    await pin({ cwd: dir, env: {}, id: LINE, take: 1 });
    await expectTakeSidecars(dir, 1);
    const sim = await simulator();
    const rebuild = await runBuild(dir, simEnv(sim));
    expect(rebuild.summary).toMatchObject({ upToDate: 2 });
    expect(rebuild.events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(totalRequests(sim)).toBe(0);
  });

  it("a lost lock: the output holding an earlier take is adopted and its sidecars are claimed as that take's", async () => {
    const { dir, sim, env, lockText } = await threeTakes();
    await pin({ cwd: dir, env: {}, id: LINE, take: 2 });
    await expectTakeSidecars(dir, 2);
    const files = await Promise.all(SIDECARS.map((out) => sha(dir, out)));
    await rm(join(dir, 'kieaudio.lock'));
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    expect(result.events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(result.events.flatMap((e) => (e.type === 'adopted' ? [e.asset] : [])).sort()).toEqual(['mine.entrance.1', LINE]);
    expect(await Promise.all(SIDECARS.map((out) => sha(dir, out)))).toEqual(files);
    const recorded = await lockSidecars(lockText);
    for (const [i, out] of SIDECARS.entries()) expect(recorded[out]).toBe(files[i]);
    expect(totalRequests(sim)).toBe(0);
  });

  it('pin leaves a hand-edited subtitle file alone with a warning, and replaces it when forced', async () => {
    const { dir, lockText } = await threeTakes();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'out/mine/02.srt'), 'my own cues\n');
    const events: BuildEvent[] = [];
    await pin({ cwd: dir, env: {}, id: LINE, take: 1, onEvent: (e) => events.push(e) });
    expect(events).toEqual([
      expect.objectContaining({ type: 'warning', code: 'W_SIDECAR_KEPT', message: expect.stringContaining('mine/02.srt edited by hand') }),
    ]);
    expect(await readFile(join(dir, 'out/mine/02.srt'), 'utf8')).toBe('my own cues\n');
    expect(await durationOf(dir)).toBeCloseTo(2, 1);
    // the lock still records what kieaudio wrote: the file reads as edited from then on
    expect((await lockSidecars(lockText))['mine/02.srt']).not.toBe(await sha(dir, 'mine/02.srt'));
    await pin({ cwd: dir, env: {}, id: LINE, take: 1, force: true });
    await expectTakeSidecars(dir, 1);
  });

  it('a line moved with no cache takes its timing data into the cache from the old output: a later pin of that take has its sidecars', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SCENE });
    expect((await runBuild(dir, simEnv(await simulator({ resultSeconds: 2 })))).failures).toEqual([]);
    await rm(join(dir, '.kieaudio/cache'), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'audio/mine.audio.yaml'), SCENE.replace('out: mine/02.mp3', 'out: mine/20.mp3'));
    const sim = await simulator({ resultSeconds: 3 });
    const moved = await runBuild(dir, simEnv(sim));
    expect(moved.failures).toEqual([]);
    expect(totalRequests(sim)).toBe(0);
    await clean({ cwd: dir, env: {} });
    expect((await runBuild(dir, simEnv(sim), { regenerate: true, only: [LINE] })).failures).toEqual([]);
    expect(await durationOf(dir, 'mine/20.timings.json')).toBeCloseTo(3, 1);
    await pin({ cwd: dir, env: {}, id: LINE, take: 1 });
    const doc = JSON.parse(await readFile(join(dir, 'out/mine/20.timings.json'), 'utf8')) as { duration: number; words: unknown[] };
    expect(doc.duration).toBeCloseTo(2, 1);
    expect(doc.words).toHaveLength(6);
  });
});
