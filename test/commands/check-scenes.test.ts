/**
 * `kieaudio check` on scene files, through the library with the ffmpeg from npm: a small project
 * with a 3-line scene built --offline (audible placeholders, lines 1 s apart), then its scene file
 * damaged by hand with ffmpeg (silenced, clipped, 2 s of leading silence, deleted). Each damage is
 * flagged as what it is, the intact file passes though the gaps between its lines are longer than
 * `check.maxSilenceMs`, the loudness rule holds only when the lines share one target, and
 * `--only` takes a scene file by its id or out or by one of its lines.
 */
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileArg } from '../../src/ffmpeg/input.js';
import { type CheckResult, check, plan } from '../../src/index.js';
import { runBuild } from '../build/run-build.js';
import { runner } from '../ffmpeg/make-audio.js';
import { makeProject } from '../helpers/project.js';

const GAP = 1;

const config = (extra = '') => `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
defaults:
  voice: { voice: Rachel }
${extra}`;

const LINES = ['The tracks go straight down. Fresh ones.', "Then we're not the first.", 'Lanterns low. Nobody speaks.'];

/** A lone asset beside a 3-line scene; `linePost`: the second line's own chain. */
function spec(options: { linePost?: string } = {}): string {
  const post = (i: number) => (i === 1 && options.linePost !== undefined ? `, post: ${options.linePost}` : '');
  return `assets:
  - { id: guard.halt, kind: voice, text: "Halt! Who goes there?", out: vo/halt.mp3 }
scenes:
  - id: mine.entrance
    out: mine/scene.ogg
    gap: ${GAP}
    continuity: none
    lines:
${LINES.map((text, i) => `      - { id: mine.l${i + 1}, text: ${JSON.stringify(text)}, out: mine/0${i + 1}.mp3${post(i)} }`).join('\n')}
`;
}

async function built(extraConfig = '') {
  const dir = await makeProject({ 'kieaudio.config.yaml': config(extraConfig), 'audio/mine.audio.yaml': spec() });
  const build = await runBuild(dir, {}, { offline: true });
  expect(build.failures).toEqual([]);
  const scene = join(dir, 'out', 'mine', 'scene.ogg');
  const intact = join(dir, 'intact.ogg');
  await copyFile(scene, intact);
  /** The intact scene file run through an ffmpeg filter, put at its out (Vorbis, as the build wrote it). */
  const damage = async (filter: string) => {
    const temp = join(dir, 'damaged.ogg');
    await runner.run(['-hide_banner', '-nostdin', '-i', fileArg(intact), '-af', filter, '-c:a', 'libvorbis', '-y', fileArg(temp)]);
    await rename(temp, scene);
  };
  return { dir, scene, damage };
}

const sceneProblems = (result: CheckResult) => result.scenes.map((s) => [s.scene.id, s.scene.out, s.problems.map((p) => p.kind)]);

describe('check on scene files', () => {
  it('passes an intact scene file (its gaps are meant) and flags one silenced, clipped, padded or deleted by hand', async () => {
    const { dir, scene, damage } = await built();
    const intact = await check({ cwd: dir, env: {} });
    expect(intact.assets.map((a) => [a.asset.id, a.problems])).toEqual([
      ['guard.halt', []],
      ['mine.l1', []],
      ['mine.l2', []],
      ['mine.l3', []],
    ]);
    expect(sceneProblems(intact)).toEqual([['mine.entrance', 'mine/scene.ogg', []]]);
    expect(intact.failed).toBe(0);
    // the two gaps, each longer than check.maxSilenceMs, are in the file and measured as silence
    const measured = intact.scenes[0]?.measured;
    expect(measured?.silentSeconds).toBeGreaterThan(2 * GAP - 0.1);
    expect(intact.settings.maxSilenceMs).toBeLessThan(GAP * 1000);
    expect(measured?.leadingSilenceSeconds).toBeLessThan(0.5);

    const cases = [
      ['volume=0', ['silent']],
      ['volume=30dB', ['clipped']],
      ['adelay=2000', ['leading-silence']],
    ] as const;
    for (const [filter, kinds] of cases) {
      await damage(filter);
      const result = await check({ cwd: dir, env: {} });
      expect(sceneProblems(result), filter).toEqual([['mine.entrance', 'mine/scene.ogg', kinds]]);
      expect(
        result.assets.every((a) => a.problems.length === 0),
        filter,
      ).toBe(true);
      expect(result.failed, filter).toBe(1);
    }
    const padded = await check({ cwd: dir, env: {} });
    expect(padded.scenes[0]?.problems[0]).toMatchObject({ limit: 500, unit: 'ms' });
    expect(padded.scenes[0]?.problems[0]?.measured).toBeGreaterThan(1900);

    await rm(scene);
    const missing = await check({ cwd: dir, env: {} });
    expect(sceneProblems(missing)).toEqual([['mine.entrance', 'mine/scene.ogg', ['missing']]]);
    expect(missing.scenes[0]?.measured).toBeUndefined();
  });

  it('judges loudness against the target every line shares, and not at all when the lines differ', async () => {
    const { dir, damage } = await built('post:\n  voice: { loudness: -20, truePeak: -1 }\n');
    expect(sceneProblems(await check({ cwd: dir, env: {} }))).toEqual([['mine.entrance', 'mine/scene.ogg', []]]);
    await damage('volume=-6dB');
    const quiet = await check({ cwd: dir, env: {} });
    expect(sceneProblems(quiet)).toEqual([['mine.entrance', 'mine/scene.ogg', ['loudness']]]);
    expect(quiet.scenes[0]?.problems[0]).toMatchObject({ limit: -20, unit: 'LUFS' });

    // the second line asks for another target: the scene has no one target to be judged against
    await writeFile(join(dir, 'audio/mine.audio.yaml'), spec({ linePost: '{ loudness: -16, truePeak: -1 }' }));
    const mixed = await check({ cwd: dir, env: {} });
    expect(sceneProblems(mixed)).toEqual([['mine.entrance', 'mine/scene.ogg', []]]);
  });

  it('--only takes a scene file by its id or out, or when one of its lines is selected', async () => {
    const { dir } = await built();
    const only = async (...patterns: string[]) => {
      const result = await check({ cwd: dir, env: {}, only: patterns });
      return { assets: result.assets.map((a) => a.asset.id), scenes: result.scenes.map((s) => s.scene.id) };
    };
    expect(await only('mine.entrance')).toEqual({ assets: [], scenes: ['mine.entrance'] });
    expect(await only('mine/*.ogg')).toEqual({ assets: [], scenes: ['mine.entrance'] });
    expect(await only('mine.l2')).toEqual({ assets: ['mine.l2'], scenes: ['mine.entrance'] });
    expect(await only('guard.*')).toEqual({ assets: ['guard.halt'], scenes: [] });
    await expect(check({ cwd: dir, env: {}, only: ['nothing.here'] })).rejects.toMatchObject({ code: 'E_NO_MATCH' });
  });

  it("names each language's scene file by its id as plan does, and --only takes one language or the scene", async () => {
    const languages = `scenes:
  - id: mine.entrance
    out: "{lang}/mine/scene.ogg"
    gap: ${GAP}
    continuity: none
    lines:
      - { text: { en: "The tracks go down.", de: "Die Spuren führen hinab." }, out: "{lang}/mine/01.mp3" }
      - { text: { en: "Then we're not the first.", de: "Dann sind wir nicht die Ersten." }, out: "{lang}/mine/02.mp3" }
`;
    const dir = await makeProject({ 'kieaudio.config.yaml': config('languages: [en, de]\n'), 'audio/mine.audio.yaml': languages });
    expect((await runBuild(dir, {}, { offline: true })).failures).toEqual([]);
    const planned = (await plan({ cwd: dir, env: {}, offline: true })).plan.scenes?.scenes.map((s) => [s.scene.id, s.scene.out]);
    const all = await check({ cwd: dir, env: {} });
    expect(all.scenes.map((s) => [s.scene.id, s.scene.out])).toEqual(planned);
    expect(sceneProblems(all)).toEqual([
      ['mine.entrance@en', 'en/mine/scene.ogg', []],
      ['mine.entrance@de', 'de/mine/scene.ogg', []],
    ]);
    const scenesOf = async (pattern: string) => (await check({ cwd: dir, env: {}, only: [pattern] })).scenes.map((s) => s.scene.id);
    expect(await scenesOf('mine.entrance')).toEqual(['mine.entrance@en', 'mine.entrance@de']);
    expect(await scenesOf('mine.entrance@de')).toEqual(['mine.entrance@de']);
    expect(await scenesOf('*@de')).toEqual(['mine.entrance@de']);
  });
});
