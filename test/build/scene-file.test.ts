/**
 * Scene files end to end over real HTTP against the simulator, with the ffmpeg and ffprobe from
 * npm: a scene's `out` joins its lines `gap` seconds apart (measured with ffprobe), its subtitles
 * start each line at its offset, a changed line costs one generation and a changed gap none, a
 * no-op build leaves the lock byte-identical, and a failed line leaves the old scene file alone.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { parseSync } from 'subtitle';
import { describe, expect, it } from 'vitest';
import { clean, plan, status } from '../../src/index.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const run = promisify(execFile);

async function probeSeconds(path: string): Promise<number> {
  const { stdout } = await run(ffprobeInstaller.path, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  return Number(stdout.trim());
}

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;

const LINES = ['The tracks go straight down. Fresh ones.', "Then we're not the first.", 'Lanterns low. Nobody speaks.'] as const;

function spec(options: { gap?: number; out?: string; texts?: readonly string[] } = {}): string {
  const texts = options.texts ?? LINES;
  return `scenes:
  - id: mine.entrance
    out: ${options.out ?? 'mine/scene.ogg'}
    continuity: none
${options.gap === undefined ? '' : `    gap: ${options.gap}\n`}    timestamps: true
    subtitles: [srt]
    lines:
${texts.map((text, i) => `      - { text: ${JSON.stringify(text)}, out: mine/0${i + 1}.mp3 }`).join('\n')}
`;
}

async function project(gap = 0.5) {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': spec({ gap }) });
  const sim = await simulator();
  const env = simEnv(sim);
  const first = await runBuild(dir, env);
  expect(first.failures).toEqual([]);
  const out = (path: string) => join(dir, 'out', path);
  const lock = async () => JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
  const respec = (options: Parameters<typeof spec>[0]) => writeFile(join(dir, 'audio/mine.audio.yaml'), spec(options));
  return { dir, sim, env, first, out, lock, respec };
}

describe('scene files', () => {
  it('join the lines gap seconds apart, with subtitles starting each line at its offset', async () => {
    const { first, out, lock } = await project(0.5);
    const lines = await Promise.all(LINES.map((_, i) => probeSeconds(out(`mine/0${i + 1}.mp3`))));
    const scene = await probeSeconds(out('mine/scene.ogg'));
    expect(scene).toBeCloseTo(lines.reduce((a, b) => a + b, 0) + 2 * 0.5, 1);
    expect(Math.abs(scene - (lines.reduce((a, b) => a + b, 0) + 1))).toBeLessThan(0.05);

    const cuesOf = async (path: string) =>
      parseSync(await readFile(out(path), 'utf8')).flatMap((node) => (node.type === 'cue' ? [node.data] : []));
    const cues = await cuesOf('mine/scene.srt');
    for (const k of LINES.keys()) {
      // the k-th line's own first cue, moved by where the line starts: its predecessors and their gaps
      const own = (await cuesOf(`mine/0${k + 1}.srt`))[0];
      const offset = lines.slice(0, k).reduce((a, b) => a + b + 0.5, 0);
      const first = cues.find((cue) => cue.text === own?.text);
      expect(first, `line ${k + 1}`).toBeDefined();
      expect(Math.abs((first?.start ?? 0) - ((own?.start ?? 0) + offset * 1000))).toBeLessThan(50);
    }
    const record = (await lock()).scenes['mine/scene.ogg'];
    expect(record).toMatchObject({
      id: 'mine.entrance',
      gap: 0.5,
      lines: [{ id: 'mine.entrance.1' }, { id: 'mine.entrance.2' }, { id: 'mine.entrance.3' }],
    });
    expect(record.duration).toBeCloseTo(scene, 1);
    expect(Object.keys(record.sidecars)).toEqual(['mine/scene.srt']);
    expect(first.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance', from: 'ffmpeg' }));
  });

  it('a no-op build leaves the lock byte-identical and makes nothing', async () => {
    const { dir, env, sim } = await project();
    const before = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    const requests = totalRequests(sim);
    const again = await runBuild(dir, env);
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(before);
    expect(again.events.filter((e) => e.type === 'scene' || e.type === 'processed')).toEqual([]);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('a changed line costs one generation and makes the scene file again; a changed gap costs none', async () => {
    const { dir, env, sim, out, respec, lock } = await project(0.5);
    const before = await readFile(out('mine/scene.ogg'));
    await respec({ gap: 0.5, texts: [LINES[0], LINES[1], 'Lanterns out, all of them. Nobody speaks.'] });
    expect((await plan({ cwd: dir, env })).plan.scenes?.scenes[0]?.reason).toBe('line 3 changed');
    const creates = sim.stats().createRequests;
    const edited = await runBuild(dir, env, { only: ['mine.entrance.3'] });
    expect(sim.stats().createRequests - creates).toBe(1);
    expect(edited.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance', from: 'ffmpeg' }));
    expect(await readFile(out('mine/scene.ogg'))).not.toEqual(before);
    const line3 = (await lock()).assets['mine/03.mp3'].contentHash;
    expect((await lock()).scenes['mine/scene.ogg'].lines[2].contentHash).toBe(line3);

    await respec({ gap: 1, texts: [LINES[0], LINES[1], 'Lanterns out, all of them. Nobody speaks.'] });
    expect((await plan({ cwd: dir, env })).plan.scenes?.scenes[0]?.reason).toBe('gap changed');
    const frozen = await runBuild(dir, env, { frozen: true });
    expect(frozen.staleScenes.map((s) => s.reason)).toEqual(['gap changed']);
    const requests = totalRequests(sim);
    const regapped = await runBuild(dir, env);
    expect(totalRequests(sim)).toBe(requests);
    expect(regapped.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance', from: 'ffmpeg' }));
    expect((await lock()).scenes['mine/scene.ogg'].gap).toBe(1);
  });

  it('is restored from the derived cache without ffmpeg when deleted', async () => {
    const { dir, env, out } = await project();
    const bytes = await readFile(out('mine/scene.ogg'));
    await rm(out('mine/scene.ogg'));
    await rm(out('mine/scene.srt'));
    const restored = await runBuild(dir, env);
    expect(restored.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance', from: 'derived-cache' }));
    expect(await readFile(out('mine/scene.ogg'))).toEqual(bytes);
  });

  it('a failed line leaves the old scene file as it was, and fails the scene by name', async () => {
    const { dir, sim, env, out, lock } = await project();
    const before = await readFile(out('mine/scene.ogg'));
    const recorded = (await lock()).scenes;
    await writeFile(join(dir, 'audio/mine.audio.yaml'), spec({ gap: 0.5, texts: [LINES[0], 'Then we are not the first.', LINES[2]] }));
    sim.setFaults({ taskFail: 1 });
    const failed = await runBuild(dir, env);
    const scene = failed.failures.find((f) => f.asset === 'mine.entrance');
    expect(scene?.code).toBe('E_SCENE_INCOMPLETE');
    expect(scene?.message).toMatch(/scene mine\.entrance was not made: line 2 \(mine\.entrance\.2\)/);
    expect(await readFile(out('mine/scene.ogg'))).toEqual(before);
    expect((await lock()).scenes).toEqual(recorded);
  });

  it('clean keeps a declared scene file and removes one no longer declared', async () => {
    const { dir, env, out, respec, lock } = await project();
    expect((await clean({ cwd: dir, env })).removed).toEqual([]);
    await readFile(out('mine/scene.ogg'));
    await respec({ gap: 0.5, out: 'mine/whole.wav' });
    await runBuild(dir, env);
    const cleaned = await clean({ cwd: dir, env });
    expect(cleaned.removed.sort()).toEqual(['mine/scene.ogg', 'mine/scene.srt']);
    expect(Object.keys((await lock()).scenes)).toEqual(['mine/whole.wav']);
  });

  it('joins lines of different formats and sample rates', async () => {
    const mixed = `scenes:
  - id: mixed
    out: mixed/scene.flac
    gap: 0.25
    lines:
      - { text: "A line made into a WAV file at 22050 Hz.", out: mixed/01.wav, post: { format: wav, sampleRate: 22050, channels: 2 } }
      - { text: "A line as it came, an MP3 at 44100 Hz.", out: mixed/02.mp3 }
`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mixed.audio.yaml': mixed });
    const result = await runBuild(dir, simEnv(await simulator()));
    expect(result.failures).toEqual([]);
    const out = (path: string) => join(dir, 'out', path);
    const lines = (await probeSeconds(out('mixed/01.wav'))) + (await probeSeconds(out('mixed/02.mp3')));
    expect(Math.abs((await probeSeconds(out('mixed/scene.flac'))) - (lines + 0.25))).toBeLessThan(0.05);
    const { stdout } = await run(ffprobeInstaller.path, [
      '-v',
      'error',
      '-show_entries',
      'stream=sample_rate,channels',
      '-of',
      'csv=p=0',
      out('mixed/scene.flac'),
    ]);
    // the highest rate of its lines, and stereo because a line's chain asks for it
    expect(stdout.trim()).toBe('44100,2');
  });

  it('a scene file edited by hand is left alone, and status says so, until --force', async () => {
    const { dir, env, out, lock } = await project();
    await writeFile(out('mine/scene.ogg'), 'edited');
    expect((await status({ cwd: dir, env })).assets.find((a) => a.id === 'mine.entrance')?.status).toBe('modified by hand');
    const kept = await runBuild(dir, env);
    expect(kept.events).toContainEqual(expect.objectContaining({ type: 'kept', asset: 'mine.entrance' }));
    expect(await readFile(out('mine/scene.ogg'), 'utf8')).toBe('edited');
    const forced = await runBuild(dir, env, { force: true });
    expect(forced.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance', from: 'derived-cache' }));
    expect((await readFile(out('mine/scene.ogg'))).subarray(0, 4).toString()).toBe('OggS');
    expect((await lock()).scenes['mine/scene.ogg'].contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a scene file at out that the lock does not record is adopted when it is this very file, else left alone', async () => {
    const { dir, env, out } = await project();
    await rm(join(dir, 'kieaudio.lock'));
    const adopted = await runBuild(dir, env);
    expect(adopted.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance', from: 'derived-cache' }));
    expect(JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).scenes['mine/scene.ogg']).toBeDefined();
    await writeFile(out('mine/other.ogg'), 'not ours');
    await writeFile(join(dir, 'audio/mine.audio.yaml'), spec({ gap: 0.5, out: 'mine/other.ogg' }));
    const foreign = await runBuild(dir, env);
    expect(foreign.events).toContainEqual(expect.objectContaining({ type: 'kept', asset: 'mine.entrance', out: 'mine/other.ogg' }));
    expect(await readFile(out('mine/other.ogg'), 'utf8')).toBe('not ours');
  });

  it("rewrites the scene's subtitles when a line's text as written changes but what is sent does not", async () => {
    const { dir, env, sim, out, respec } = await project();
    await writeFile(join(dir, 'kieaudio.config.yaml'), `${CONFIG}lexicon:\n  Lanterns: Lanturns\n`);
    await respec({ gap: 0.5, texts: [LINES[0], LINES[1], 'Lanturns low. Nobody speaks.'] });
    await runBuild(dir, env);
    const creates = sim.stats().createRequests;
    // the same text is sent, so the audio stays; the subtitles show the text as written
    await respec({ gap: 0.5, texts: [LINES[0], LINES[1], 'Lanterns low. Nobody speaks.'] });
    expect((await plan({ cwd: dir, env })).plan.scenes?.scenes[0]?.reason).toBe("line 3's subtitles changed");
    const rewritten = await runBuild(dir, env);
    expect(sim.stats().createRequests).toBe(creates);
    expect(rewritten.events).toContainEqual(expect.objectContaining({ type: 'scene', asset: 'mine.entrance' }));
    expect(await readFile(out('mine/scene.srt'), 'utf8')).toContain('Lanterns low.');
  });
});
