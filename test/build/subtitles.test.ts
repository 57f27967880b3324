import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSync } from 'subtitle';
import { describe, expect, it } from 'vitest';
import type { TimingShape } from '../../src/sim/index.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel, timestamps: true }
`;

// long enough for several cues: the simulator speaks 15 characters a second
const LONG =
  'The tracks go straight down into the old mine. Fresh ones, too, and they are not ours. ' +
  'Keep your lanterns low, stay close to the wall, and whatever happens down there, nobody speaks a word until I say so.';

const SPEC = `assets:
  - id: scout
    kind: voice
    text: "${LONG}"
    out: dialogue/scout.mp3
    subtitles: [srt, vtt]
  - id: captain
    kind: voice
    text: "Then we're not the first."
    out: dialogue/captain.mp3
  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: sfx/coin.mp3 }
`;

async function built(shape: TimingShape = 'characters', spec = SPEC) {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': spec });
  const sim = await simulator({ timings: shape });
  const first = await runBuild(dir, simEnv(sim));
  expect(first.failures).toEqual([]);
  const read = (out: string) => readFile(join(dir, 'out', out), 'utf8');
  return { dir, sim, first, read };
}

async function durationOf(dir: string, out: string): Promise<number> {
  return inspectAudio(await readFile(join(dir, 'out', out))).durationSeconds;
}

/** Cues parsed back with the `subtitle` library; every one inside the audio and by the rules. */
function checkCues(text: string, duration: number): Array<{ start: number; end: number; text: string }> {
  const cues = parseSync(text).flatMap((node) => (node.type === 'cue' ? [node.data] : []));
  expect(cues.length).toBeGreaterThan(0);
  for (const cue of cues) {
    expect(cue.start).toBeGreaterThanOrEqual(0);
    expect(cue.end).toBeGreaterThan(cue.start);
    expect(cue.end / 1000).toBeLessThanOrEqual(duration);
    expect(cue.end - cue.start).toBeLessThanOrEqual(7000);
    const lines = cue.text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(42);
  }
  for (const [i, cue] of cues.entries()) if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1]?.end ?? 0);
  return cues;
}

describe('timestamps and subtitles', () => {
  for (const shape of ['characters', 'words', 'timestamps', 'nested'] as const) {
    it(`writes timings, .srt and .vtt from timing data in the ${shape} shape`, async () => {
      const { dir, read, first } = await built(shape);
      expect(first.events.filter((e) => e.type === 'warning' && e.code === 'W_NO_TIMINGS')).toEqual([]);
      const duration = await durationOf(dir, 'dialogue/scout.mp3');

      const timings = JSON.parse(await read('dialogue/scout.timings.json'));
      expect(timings).toMatchObject({ v: 1, text: LONG });
      expect(timings.duration).toBeCloseTo(duration, 2);
      expect(timings.duration).toBeLessThanOrEqual(duration);
      expect(timings.words.map((w: { text: string }) => w.text).join(' ')).toBe(LONG);
      for (const w of timings.words) expect(w.end).toBeLessThanOrEqual(duration);
      expect(timings.raw).not.toBeNull();

      for (const format of ['srt', 'vtt']) {
        const cues = checkCues(await read(`dialogue/scout.${format}`), duration);
        expect(cues.length).toBeGreaterThan(2);
        expect(cues.map((c) => c.text.replaceAll('\n', ' ')).join(' ')).toBe(LONG);
      }
      expect((await read('dialogue/scout.vtt')).startsWith('WEBVTT')).toBe(true);
      // a line with timestamps and no subtitles gets its timings only
      expect(JSON.parse(await read('dialogue/captain.timings.json')).words).toHaveLength(5);
      await expect(stat(join(dir, 'out/dialogue/captain.srt'))).rejects.toThrow();

      const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
      expect(Object.keys(lock.assets['dialogue/scout.mp3'].sidecars).sort()).toEqual([
        'dialogue/scout.srt',
        'dialogue/scout.timings.json',
        'dialogue/scout.vtt',
      ]);
    });
  }

  it('without timing data: a warning, exit 0, and one cue spanning the audio', async () => {
    const { dir, read, first } = await built('none');
    expect(first.summary).toMatchObject({ generated: 3, failed: 0 });
    const warnings = first.events.filter((e) => e.type === 'warning' && e.code === 'W_NO_TIMINGS');
    expect(warnings.map((w) => (w.type === 'warning' ? w.asset : ''))).toEqual(expect.arrayContaining(['scout', 'captain']));
    const duration = await durationOf(dir, 'dialogue/scout.mp3');
    const cues = parseSync(await read('dialogue/scout.srt')).flatMap((n) => (n.type === 'cue' ? [n.data] : []));
    expect(cues).toHaveLength(1);
    expect(cues[0]?.start).toBe(0);
    expect((cues[0]?.end ?? 0) / 1000).toBeCloseTo(duration, 2);
    expect(cues[0]?.text.replaceAll('\n', ' ')).toBe(LONG);
    expect(JSON.parse(await read('dialogue/scout.timings.json'))).toMatchObject({ words: [], raw: null });
  });

  it('a deleted subtitle file is restored from the cache without an API call, and a no-op build stays one', async () => {
    const { dir, sim, read } = await built();
    const srt = await read('dialogue/scout.srt');
    await rm(join(dir, 'out/dialogue/scout.srt'));
    const before = totalRequests(sim);
    const second = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'planned', out: 'dialogue/scout.mp3', action: 'sidecars' }));
    expect(second.summary).toMatchObject({ generated: 0, restored: 1, upToDate: 2 });
    expect(await read('dialogue/scout.srt')).toBe(srt);

    // a third build does nothing: the lock and the outputs are left exactly as they are
    await runBuild(dir, simEnv(sim)); // the files just written are hashed once (racy stat data)
    const lock = await readFile(join(dir, 'kieaudio.lock'));
    const lockStat = await stat(join(dir, 'kieaudio.lock'));
    const srtStat = await stat(join(dir, 'out/dialogue/scout.srt'));
    const third = await runBuild(dir, simEnv(sim));
    expect(third.summary).toMatchObject({ generated: 0, restored: 0, upToDate: 3 });
    expect(await readFile(join(dir, 'kieaudio.lock'))).toEqual(lock);
    expect((await stat(join(dir, 'kieaudio.lock'))).mtimeMs).toBe(lockStat.mtimeMs);
    expect((await stat(join(dir, 'out/dialogue/scout.srt'))).mtimeMs).toBe(srtStat.mtimeMs);
    expect(totalRequests(sim)).toBe(before);
  });

  it('adding vtt to a generated line costs nothing, from the cache or, when the cache is gone, from the timings beside it', async () => {
    const spec = SPEC.replace('subtitles: [srt, vtt]', 'subtitles: [srt]');
    const { dir, sim, read } = await built('characters', spec);
    await expect(stat(join(dir, 'out/dialogue/scout.vtt'))).rejects.toThrow();
    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC);
    const before = totalRequests(sim);
    const second = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(second.events).toContainEqual(
      expect.objectContaining({ type: 'sidecars', out: 'dialogue/scout.mp3', written: ['dialogue/scout.vtt'], timings: 'cache' }),
    );
    const vtt = await read('dialogue/scout.vtt');
    checkCues(vtt, await durationOf(dir, 'dialogue/scout.mp3'));

    // the cache pruned away: the .timings.json beside the output is enough
    await rm(join(dir, '.kieaudio/cache'), { recursive: true });
    await rm(join(dir, 'out/dialogue/scout.vtt'));
    const third = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(third.events).toContainEqual(expect.objectContaining({ type: 'sidecars', timings: 'output' }));
    expect(await read('dialogue/scout.vtt')).toBe(vtt);
  });

  it('--offline placeholders get their sidecars too, from the built-in simulator, with no key', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const result = await runBuild(dir, {}, { offline: true });
    expect(result.failures).toEqual([]);
    const cues = checkCues(await readFile(join(dir, 'out/dialogue/scout.vtt'), 'utf8'), await durationOf(dir, 'dialogue/scout.mp3'));
    expect(cues.length).toBeGreaterThan(2);
  });

  it('a hand-edited subtitle file is left alone unless --force', async () => {
    const { dir, sim, read } = await built();
    await writeFile(join(dir, 'out/dialogue/scout.srt'), '1\n00:00:00,000 --> 00:00:01,000\nEdited\n');
    const second = await runBuild(dir, simEnv(sim));
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'kept', out: 'dialogue/scout.mp3' }));
    expect(await read('dialogue/scout.srt')).toContain('Edited');
    const forced = await runBuild(dir, simEnv(sim), { force: true });
    expect(forced.events).toContainEqual(expect.objectContaining({ type: 'sidecars', written: ['dialogue/scout.srt'] }));
    expect(await read('dialogue/scout.srt')).not.toContain('Edited');

    // the line generated again: the audio and the other sidecars are new, the edited file is kept and named
    await writeFile(join(dir, 'out/dialogue/scout.srt'), '1\n00:00:00,000 --> 00:00:01,000\nEdited again\n');
    const vttBefore = await read('dialogue/scout.vtt');
    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC.replace('Fresh ones, too,', 'Fresh ones,'));
    const regenerated = await runBuild(dir, simEnv(sim));
    expect(regenerated.summary.generated).toBe(1);
    expect(regenerated.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'W_SIDECAR_KEPT',
        message: expect.stringContaining('dialogue/scout.srt edited by hand'),
      }),
    );
    expect(await read('dialogue/scout.srt')).toContain('Edited again');
    expect(await read('dialogue/scout.vtt')).not.toBe(vttBefore);
  });

  it("a sidecar written by a build killed before its lock write is recognised as kieaudio's", async () => {
    const { dir, sim, read } = await built();
    const lockPath = join(dir, 'kieaudio.lock');
    const lock = JSON.parse(await readFile(lockPath, 'utf8'));
    const recorded = lock.assets['dialogue/scout.mp3'].sidecars;
    delete lock.assets['dialogue/scout.mp3'].sidecars;
    await writeFile(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
    const srt = await read('dialogue/scout.srt');
    const before = totalRequests(sim);
    const second = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(second.events.filter((e) => e.type === 'warning' || e.type === 'kept')).toEqual([]);
    expect(JSON.parse(await readFile(lockPath, 'utf8')).assets['dialogue/scout.mp3'].sidecars).toEqual(recorded);
    expect(await read('dialogue/scout.srt')).toBe(srt);
  });

  it('a subtitle file that was there before kieaudio is left alone, and reads as edited from then on', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/main.audio.yaml': SPEC,
      'out/dialogue/scout.srt': '1\n00:00:00,000 --> 00:00:02,000\nOur own subtitles\n',
    });
    const sim = await simulator();
    const first = await runBuild(dir, simEnv(sim));
    expect(first.events).toContainEqual(
      expect.objectContaining({ type: 'warning', code: 'W_SIDECAR_KEPT', message: expect.stringContaining('not made by kieaudio') }),
    );
    expect(await readFile(join(dir, 'out/dialogue/scout.srt'), 'utf8')).toContain('Our own subtitles');
    const second = await runBuild(dir, simEnv(sim));
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'planned', out: 'dialogue/scout.mp3', action: 'keep-modified' }));
    expect(second.summary).toMatchObject({ kept: 1, generated: 0, restored: 0 });
  });

  it('removing a format removes its file; clean removes the sidecars of orphaned outputs', async () => {
    const { dir, sim } = await built();
    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC.replace('subtitles: [srt, vtt]', 'subtitles: [srt]'));
    const second = await runBuild(dir, simEnv(sim));
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'sidecars', removed: ['dialogue/scout.vtt'] }));
    await expect(stat(join(dir, 'out/dialogue/scout.vtt'))).rejects.toThrow();

    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC.replace('out: dialogue/scout.mp3', 'out: moved/scout.mp3'));
    const moved = await runBuild(dir, simEnv(sim));
    expect(moved.summary.orphans).toBe(1);
    const { clean } = await import('../../src/index.js');
    const result = await clean({ cwd: dir, env: simEnv(sim) });
    expect(result.removed).toEqual(expect.arrayContaining(['dialogue/scout.mp3', 'dialogue/scout.srt', 'dialogue/scout.timings.json']));
    for (const gone of ['scout.mp3', 'scout.srt', 'scout.timings.json']) {
      await expect(stat(join(dir, 'out/dialogue', gone))).rejects.toThrow();
    }
    expect(await readFile(join(dir, 'out/moved/scout.vtt'), 'utf8')).toContain('WEBVTT');
  });
});
