/**
 * Scene files per language end to end over real HTTP against the simulator, with the ffmpeg and
 * ffprobe from npm: `{lang}` in a scene's `out` makes one scene file per language, each the join
 * of that language's lines with subtitles in its text; editing a German line remakes only the
 * German scene file; a language a line has no text in gets no scene file but a warning; a gap
 * change re-joins every language with no API call.
 */
import { execFile } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, clean, plan, status } from '../../src/index.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const run = promisify(execFile);

async function probeSeconds(path: string): Promise<number> {
  const { stdout } = await run(ffprobeInstaller.path, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  return Number(stdout.trim());
}

const config = (languages = '[en, de]') => `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}languages: ${languages}
defaults:
  voice: { voice: Rachel }
`;

const EN = ['The tracks go straight down. Fresh ones.', "Then we're not the first.", 'Lanterns low. Nobody speaks.'];
const DE = ['Die Spuren führen steil hinab. Frische.', 'Dann sind wir nicht die Ersten.', 'Laternen tief. Niemand spricht.'];

function spec(options: { gap?: number; de?: readonly (string | undefined)[] } = {}): string {
  const de = options.de ?? DE;
  const text = (i: number) => {
    const german = de[i];
    return `{ en: ${JSON.stringify(EN[i])}${german === undefined ? '' : `, de: ${JSON.stringify(german)}`} }`;
  };
  return `scenes:
  - id: mine.entrance
    out: "{lang}/mine/scene.ogg"
    gap: ${options.gap ?? 0.5}
    timestamps: true
    subtitles: [srt]
    lines:
${EN.map((_, i) => `      - { text: ${text(i)}, out: "{lang}/mine/0${i + 1}.mp3" }`).join('\n')}
`;
}

async function project(options: Parameters<typeof spec>[0] = {}) {
  const dir = await makeProject({ 'kieaudio.config.yaml': config(), 'audio/mine.audio.yaml': spec(options) });
  const sim = await simulator();
  const env = simEnv(sim);
  const first = await runBuild(dir, env);
  expect(first.failures).toEqual([]);
  const out = (path: string) => join(dir, 'out', path);
  const lock = async () => JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
  const respec = (next: Parameters<typeof spec>[0]) => writeFile(join(dir, 'audio/mine.audio.yaml'), spec(next));
  return { dir, sim, env, first, out, lock, respec };
}

const scenesMade = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'scene' ? [`${e.asset} ${e.out} ${e.from}`] : [])).sort();

describe('scene files per language', () => {
  it("make one scene file per language, each its language's lines joined, with subtitles in that language", async () => {
    const { first, out, lock } = await project();
    expect(scenesMade(first.events)).toEqual(['mine.entrance@de de/mine/scene.ogg ffmpeg', 'mine.entrance@en en/mine/scene.ogg ffmpeg']);
    for (const [language, texts] of [
      ['en', EN],
      ['de', DE],
    ] as const) {
      const lines = await Promise.all(EN.map((_, i) => probeSeconds(out(`${language}/mine/0${i + 1}.mp3`))));
      const scene = await probeSeconds(out(`${language}/mine/scene.ogg`));
      expect(Math.abs(scene - (lines.reduce((a, b) => a + b, 0) + 2 * 0.5)), language).toBeLessThan(0.05);
      const srt = await readFile(out(`${language}/mine/scene.srt`), 'utf8');
      for (const text of texts) expect(srt).toContain(text.split(' ')[0]);
      const other = language === 'en' ? DE : EN;
      expect(srt).not.toContain(other[2]?.split(' ')[0]);
    }
    const scenes = (await lock()).scenes;
    expect(Object.keys(scenes).sort()).toEqual(['de/mine/scene.ogg', 'en/mine/scene.ogg']);
    expect(scenes['de/mine/scene.ogg']).toMatchObject({
      id: 'mine.entrance@de',
      lines: [{ id: 'mine.entrance.1@de', out: 'de/mine/01.mp3' }, { id: 'mine.entrance.2@de' }, { id: 'mine.entrance.3@de' }],
    });
  });

  it('a no-op build leaves the lock byte-identical; status lists each language’s scene file', async () => {
    const { dir, env, sim } = await project();
    const before = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    const requests = totalRequests(sim);
    const again = await runBuild(dir, env);
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(before);
    expect(scenesMade(again.events)).toEqual([]);
    expect(totalRequests(sim)).toBe(requests);
    const listed = (await status({ cwd: dir, env })).assets.filter((a) => a.id.startsWith('mine.entrance@'));
    expect(listed.map((a) => `${a.id} ${a.status}`).sort()).toEqual(['mine.entrance@de up to date', 'mine.entrance@en up to date']);
  });

  it('editing one German line remakes only the German scene file, after that line and its neighbours', async () => {
    const { dir, env, sim, out, respec } = await project();
    const english = await readFile(out('en/mine/scene.ogg'));
    const german = await readFile(out('de/mine/scene.ogg'));
    await respec({ de: [DE[0], 'Dann sind wir wohl nicht die Ersten.', DE[2]] });
    const planned = (await plan({ cwd: dir, env })).plan.scenes?.scenes.map((s) => `${s.scene.id}: ${s.reason}`);
    expect(planned).toEqual(['mine.entrance@en: up to date', 'mine.entrance@de: line 1 changed, line 2 changed, line 3 changed']);
    const creates = sim.stats().createRequests;
    const edited = await runBuild(dir, env);
    // continuity: the German line and its two German neighbours, which are sent its text
    expect(sim.stats().createRequests - creates).toBe(3);
    expect(edited.events.flatMap((e) => (e.type === 'generated' ? [e.asset] : [])).sort()).toEqual([
      'mine.entrance.1@de',
      'mine.entrance.2@de',
      'mine.entrance.3@de',
    ]);
    expect(scenesMade(edited.events)).toEqual(['mine.entrance@de de/mine/scene.ogg ffmpeg']);
    expect(await readFile(out('en/mine/scene.ogg'))).toEqual(english);
    expect(await readFile(out('de/mine/scene.ogg'))).not.toEqual(german);
    expect(await readFile(out('de/mine/scene.srt'), 'utf8')).toContain('wohl');
  });

  it('a gap change re-joins every language with no API call; --frozen reports both', async () => {
    const { dir, env, sim, respec, lock } = await project();
    await respec({ gap: 1 });
    const frozen = await runBuild(dir, env, { frozen: true });
    expect(frozen.staleScenes.map((s) => `${s.scene.id}: ${s.reason}`).sort()).toEqual([
      'mine.entrance@de: gap changed',
      'mine.entrance@en: gap changed',
    ]);
    const requests = totalRequests(sim);
    const regapped = await runBuild(dir, env);
    expect(totalRequests(sim)).toBe(requests);
    expect(scenesMade(regapped.events)).toEqual(['mine.entrance@de de/mine/scene.ogg ffmpeg', 'mine.entrance@en en/mine/scene.ogg ffmpeg']);
    const scenes = (await lock()).scenes;
    expect([scenes['en/mine/scene.ogg'].gap, scenes['de/mine/scene.ogg'].gap]).toEqual([1, 1]);
  });

  it('--only with one language’s scene file id (as plan names it) builds that file, through its lines alone', async () => {
    const { dir, env, respec } = await project();
    await respec({ gap: 1 });
    const german = await runBuild(dir, env, { only: ['mine.entrance@de'] });
    expect(german.plan.items.map((i) => i.asset.id).sort()).toEqual(['mine.entrance.1@de', 'mine.entrance.2@de', 'mine.entrance.3@de']);
    expect(scenesMade(german.events)).toEqual(['mine.entrance@de de/mine/scene.ogg ffmpeg']);
    // by its out too, and the scene's own id takes every language
    expect((await plan({ cwd: dir, env, only: ['en/mine/scene.ogg'] })).plan.items).toHaveLength(3);
    expect((await plan({ cwd: dir, env, only: ['mine.entrance'] })).plan.items).toHaveLength(6);
  });

  it('a language a line has no text in gets no scene file, with a warning; the others are made', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': config(),
      'audio/mine.audio.yaml': spec({ de: [DE[0], undefined, DE[2]] }),
    });
    const result = await runBuild(dir, simEnv(await simulator()));
    expect(result.failures).toEqual([]);
    expect(scenesMade(result.events)).toEqual(['mine.entrance@en en/mine/scene.ogg ffmpeg']);
    await access(join(dir, 'out/en/mine/scene.ogg'));
    await expect(access(join(dir, 'out/de/mine/scene.ogg'))).rejects.toThrow();
    const warning = result.events.find((e) => e.type === 'warning' && e.code === 'W_SCENE_LANGUAGE_MISSING');
    expect(warning).toMatchObject({ file: 'audio/mine.audio.yaml', line: 3, col: 10 });
    expect(warning?.type === 'warning' && warning.message).toMatch(/no de \(German\) scene file .* line 2 \(mine\.entrance\.2\)/);
  });

  it('a language dropped from the project leaves its scene file an orphan that clean removes', async () => {
    const { dir, env, respec } = await project();
    await writeFile(join(dir, 'kieaudio.config.yaml'), config('[en]'));
    await respec({ de: [undefined, undefined, undefined] });
    expect(scenesMade((await runBuild(dir, env)).events)).toEqual([]);
    const cleaned = await clean({ cwd: dir, env });
    expect(cleaned.removed.filter((path) => path.includes('scene')).sort()).toEqual(['de/mine/scene.ogg', 'de/mine/scene.srt']);
  });
});
