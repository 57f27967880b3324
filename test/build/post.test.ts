import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureLoudness } from '../../src/ffmpeg/loudness.js';
import { detectSilence } from '../../src/ffmpeg/silence.js';
import { clean, pin, takes } from '../../src/index.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { audibleMp3, ebur128, runner } from '../ffmpeg/make-audio.js';
import { FAST_API, makeProject, simulator, tempDir } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

/**
 * Audible results for the simulator to serve: half a second of silence, a tone, then silence.
 * Each length is made once per file (an ffmpeg encode) and served by every test that asks for it.
 */
const results = new Map<number, Promise<Buffer>>();
function audibleResult(seconds = 1.5): Promise<Buffer> {
  let result = results.get(seconds);
  if (result === undefined) {
    result = tempDir().then((dir) => audibleMp3(join(dir, 'result.mp3'), 0.5, seconds, 0.7));
    results.set(seconds, result);
  }
  return result;
}

const config = (post: string) => `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
post:
${post}`;

const SPEC = `assets:
  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.wav }
  - { id: bye, kind: voice, text: "Goodbye now, and good luck.", out: vo/bye.wav }
  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 1, out: sfx/coin.wav }
`;

async function project(post: string, spec = SPEC) {
  const dir = await makeProject({ 'kieaudio.config.yaml': config(post), 'audio/main.audio.yaml': spec });
  const audio = await audibleResult();
  const sim = await simulator({ resultAudio: () => audio });
  return { dir, sim, env: simEnv(sim), out: (p: string) => join(dir, 'out', p) };
}

const LOUD = `  voice: { loudness: -23, truePeak: -1, trim: { thresholdDb: -50, padMs: 50 } }
  effect: { loudness: -23, truePeak: -1 }
`;

describe('post-processing in a build', () => {
  it('normalizes every output to the target and trims to the pad, measured independently', async () => {
    const { dir, env, out } = await project(LOUD);
    const first = await runBuild(dir, env);
    expect(first.failures).toEqual([]);
    for (const file of ['vo/hello.wav', 'vo/bye.wav', 'sfx/coin.wav']) {
      const m = await ebur128(out(file));
      expect(Math.abs(m.lufs + 23), file).toBeLessThanOrEqual(0.5);
      expect(m.truePeak, file).toBeLessThanOrEqual(-1);
    }
    const silence = await detectSilence(runner, out('vo/hello.wav'), { thresholdDb: -50, minSeconds: 0.001 });
    expect(silence.leadingSeconds).toBeLessThanOrEqual(0.05 + 0.002);
    expect(silence.trailingSeconds).toBeLessThanOrEqual(0.05 + 0.002);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const entry = lock.assets['vo/hello.wav'];
    expect(entry.post).toMatchObject({ chain: { loudness: -23, format: 'wav' } });
    expect(Math.abs(entry.post.measured.loudness + 23)).toBeLessThanOrEqual(0.5);
    expect(first.events.filter((e) => e.type === 'processed')).toHaveLength(3);

    // a no-op build: nothing processed, the lock byte-identical
    const lockText = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    const again = await runBuild(dir, env);
    expect(again.summary.upToDate).toBe(3);
    expect(again.events.filter((e) => e.type === 'processed')).toEqual([]);
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lockText);
  });

  it("moves a trimmed voice line's timings and subtitles by what trimming removed, within the processed length", async () => {
    const spec = `assets:
  - { id: hello, kind: voice, text: "Hello there, and welcome to the mine.", out: vo/hello.wav, timestamps: true, subtitles: [srt] }
`;
    const { dir, env, sim } = await project('  voice: { loudness: -23 }\n', spec);
    expect((await runBuild(dir, env)).failures).toEqual([]);
    const read = async (p: string) => JSON.parse(await readFile(join(dir, 'out', p), 'utf8'));
    const untrimmed = await read('vo/hello.timings.json');
    const requests = totalRequests(sim);

    await writeFile(join(dir, 'kieaudio.config.yaml'), config('  voice: { loudness: -23, trim: { thresholdDb: -50, padMs: 50 } }\n'));
    const trimmed = await runBuild(dir, env);
    expect(trimmed.failures).toEqual([]);
    expect(totalRequests(sim)).toBe(requests);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const post = lock.assets['vo/hello.wav'].post;
    // the served audio starts with 0.5 s of silence, of which the pad (50 ms) stays
    expect(post.trimmedStart).toBeCloseTo(0.45, 1);
    const timings = await read('vo/hello.timings.json');
    expect(timings.duration).toBe(post.measured.duration);
    expect(timings.words.length).toBe(untrimmed.words.length);
    for (const [i, word] of timings.words.entries()) {
      const before = untrimmed.words[i];
      const expected = (t: number) => Math.min(post.measured.duration, Math.max(0, t - post.trimmedStart));
      expect(word.start).toBeCloseTo(expected(before.start), 3);
      expect(word.end).toBeCloseTo(expected(before.end), 3);
      expect(word.end).toBeLessThanOrEqual(post.measured.duration);
    }
    const srt = await readFile(join(dir, 'out', 'vo/hello.srt'), 'utf8');
    expect(srt).toContain('Hello there');
  });

  it('takes and pins name raw takes: a pinned take is derived, stays pinned, and takes marks it current', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': config('  voice: { loudness: -23 }\n'),
      'audio/main.audio.yaml': 'assets:\n  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.wav }\n',
    });
    const audios = [await audibleResult(1.5), await audibleResult(1.2)];
    const byTask = new Map<string, Buffer>();
    const sim = await simulator({
      resultAudio: ({ taskId }) => {
        if (!byTask.has(taskId)) byTask.set(taskId, audios[byTask.size % 2] as Buffer);
        return byTask.get(taskId);
      },
    });
    const env = simEnv(sim);
    expect((await runBuild(dir, env)).failures).toEqual([]);
    const first = await readFile(join(dir, 'out/vo/hello.wav'));
    expect((await runBuild(dir, env, { regenerate: true, only: ['hello'] })).failures).toEqual([]);
    expect(await readFile(join(dir, 'out/vo/hello.wav'))).not.toEqual(first);
    const listed = (await takes({ cwd: dir, env: {}, id: 'hello' })).takes;
    expect(listed.map((t) => [t.n, t.current])).toEqual([
      [1, false],
      [2, true],
    ]);

    await pin({ cwd: dir, env: {}, id: 'hello', take: 1 });
    // derived again from take 1: the derived cache has it, byte for byte
    expect(await readFile(join(dir, 'out/vo/hello.wav'))).toEqual(first);
    const lockText = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    expect(JSON.parse(lockText).assets['vo/hello.wav']).toMatchObject({ pinned: 1, post: { chain: { loudness: -23 } } });
    expect((await takes({ cwd: dir, env: {}, id: 'hello' })).takes.map((t) => [t.n, t.current, t.pinned])).toEqual([
      [1, true, true],
      [2, false, false],
    ]);
    const requests = totalRequests(sim);
    const again = await runBuild(dir, env);
    expect(again.summary).toMatchObject({ upToDate: 1, restored: 0, generated: 0 });
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lockText);

    // a new target re-derives the pinned take, and keeps the pin
    await writeFile(join(dir, 'kieaudio.config.yaml'), config('  voice: { loudness: -18 }\n'));
    expect((await runBuild(dir, env)).failures).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).assets['vo/hello.wav']).toMatchObject({ pinned: 1 });
    expect(Math.abs(((await measureLoudness(runner, join(dir, 'out/vo/hello.wav'))).integratedLufs ?? 0) + 18)).toBeLessThanOrEqual(0.5);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('clean --cache prunes the derived outputs no lock entry records, and keeps those it does', async () => {
    const { dir, env, sim } = await project(LOUD);
    expect((await runBuild(dir, env)).failures).toEqual([]);
    await writeFile(join(dir, 'kieaudio.config.yaml'), config(LOUD.replaceAll('-23', '-18')));
    expect((await runBuild(dir, env)).failures).toEqual([]);
    const derived = createContentCache(join(dir, '.kieaudio/cache/derived'));
    // the simulator serves the same bytes for both voice lines: one derived output per chain for them, one for the effect
    expect(await derived.list()).toHaveLength(4);
    const result = await clean({ cwd: dir, env: {}, cache: true });
    expect(result.cacheEntriesRemoved).toBe(2);
    expect(await derived.list()).toHaveLength(2);
    const requests = totalRequests(sim);
    const again = await runBuild(dir, env);
    expect(again.summary.upToDate).toBe(3);
    await rm(join(dir, 'out/vo/hello.wav'));
    const restored = await runBuild(dir, env);
    expect(restored.events.filter((e) => e.type === 'processed').map((e) => e.type === 'processed' && e.from)).toEqual(['derived-cache']);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('a new format (and out to match) is derived from the cached raw take: 0 API requests', async () => {
    const spec = (out: string) => `assets:\n  - { id: hello, kind: voice, text: "Hello there.", out: ${out} }\n`;
    const { dir, env, sim, out } = await project('  voice: { loudness: -23 }\n', spec('vo/hello.wav'));
    expect((await runBuild(dir, env)).failures).toEqual([]);
    const requests = totalRequests(sim);
    await writeFile(join(dir, 'audio/main.audio.yaml'), spec('vo/hello.ogg'));
    const again = await runBuild(dir, env);
    expect(again.failures).toEqual([]);
    expect(again.summary).toMatchObject({ generated: 0, restored: 1, orphans: 1 });
    expect(totalRequests(sim)).toBe(requests);
    expect((await readFile(out('vo/hello.ogg'))).subarray(0, 4).toString()).toBe('OggS');
    expect(Math.abs((await ebur128(out('vo/hello.ogg'))).lufs + 23)).toBeLessThanOrEqual(0.5);
  });
});
