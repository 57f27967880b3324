/**
 * Scenes, cast and lexicon with timestamps and subtitles, end to end over real HTTP against the
 * simulator: `timestamps` and `subtitles` set on a scene or a cast entry apply to its lines with
 * the chain's precedence (asset > scene > speaker > file defaults > config defaults), subtitles
 * show the text as written where the lexicon respelled what was sent, and a scene line that is
 * no longer declared is cleaned with its sidecars.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clean, status } from '../../src/index.js';
import { exampleProject, FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel, subtitles: [vtt] }
cast:
  captain: { voice: Charlotte, timestamps: true, subtitles: [srt] }
  scout: { voice: Callum }
lexicon:
  Xyloth: ZY-loth
  Ghorn: Gee horn
`;

const SPEC = `defaults:
  voice: { timestamps: true }
scenes:
  - id: mine.entrance
    lines:
      - { speaker: captain, text: "Lanterns low. Xyloth hears everything.", out: mine/01.mp3 }
      - { speaker: scout, text: "Then we are not the first.", out: mine/02.mp3, subtitles: [srt, vtt] }
  - id: mine.exit
    subtitles: [vtt]
    lines:
      - { speaker: captain, text: "Daylight at last.", out: mine/10.mp3 }
      - { speaker: scout, text: "Keep moving, Ghorn.", out: mine/11.mp3 }
`;

async function built() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SPEC });
  const sim = await simulator();
  const env = simEnv(sim);
  const first = await runBuild(dir, env);
  expect(first.failures).toEqual([]);
  const files = async () => (await readdir(join(dir, 'out/mine'))).sort();
  const read = (out: string) => readFile(join(dir, 'out', out), 'utf8');
  return { dir, sim, env, first, files, read };
}

describe('subtitles of scene lines', () => {
  it('come from the line, its scene, its speaker and the defaults, in that order', async () => {
    const { files } = await built();
    expect(await files()).toEqual([
      // the captain's cast entry asks for srt, over the config's vtt
      '01.mp3',
      '01.srt',
      '01.timings.json',
      // the line itself asks for both
      '02.mp3',
      '02.srt',
      '02.timings.json',
      '02.vtt',
      // the scene's vtt wins over the captain's srt
      '10.mp3',
      '10.timings.json',
      '10.vtt',
      // the scene's vtt, and the file's timestamps
      '11.mp3',
      '11.timings.json',
      '11.vtt',
    ]);
  });

  it('show the text as written where the lexicon respelled what was sent; so does the timings file', async () => {
    const { dir, sim, read } = await built();
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(sim.task(lock.assets['mine/01.mp3'].taskId)?.input.text).toBe('Lanterns low. ZY-loth hears everything.');
    const srt = await read('mine/01.srt');
    expect(srt).toContain('Xyloth');
    expect(srt).not.toContain('ZY-loth');
    const timings = JSON.parse(await read('mine/01.timings.json')) as { text: string; words: Array<{ text: string }> };
    expect(timings.text).toBe('Lanterns low. Xyloth hears everything.');
    expect(timings.words.map((w) => w.text).join(' ')).toBe('Lanterns low. Xyloth hears everything.');
    // the neighbour's subtitles are its own text, not the respelled previous_text sent with it
    expect(await read('mine/02.vtt')).toContain('Then we are not the first.');
    // a respelling of another word count: the written words still make the cues
    expect(sim.task(lock.assets['mine/11.mp3'].taskId)?.input.text).toBe('Keep moving, Gee horn.');
    expect(await read('mine/11.vtt')).toContain('Keep moving, Ghorn.');
    expect(JSON.parse(await read('mine/11.timings.json'))).toMatchObject({ text: 'Keep moving, Ghorn.' });
  });

  it('a subtitle format added on a scene is written from the timing data kept locally, with no API call', async () => {
    const { dir, sim, env, files } = await built();
    const requests = totalRequests(sim);
    await writeFile(join(dir, 'audio/mine.audio.yaml'), SPEC.replace('subtitles: [vtt]', 'subtitles: [srt, vtt]'));
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    expect(result.summary.generated).toBe(0);
    expect(totalRequests(sim)).toBe(requests);
    expect(await files()).toContain('10.srt');
    expect(await files()).toContain('11.srt');
  });

  it('a scene line no longer declared is an orphan for status and clean, which removes its sidecars with it', async () => {
    const { dir, env, files } = await built();
    const withoutExit = SPEC.slice(0, SPEC.indexOf('  - id: mine.exit'));
    await writeFile(join(dir, 'audio/mine.audio.yaml'), withoutExit);
    const report = await status({ cwd: dir, env });
    expect(report.orphans.map((o) => o.out).sort()).toEqual(['mine/10.mp3', 'mine/11.mp3']);
    await clean({ cwd: dir, env: {} });
    expect(await files()).toEqual(['01.mp3', '01.srt', '01.timings.json', '02.mp3', '02.srt', '02.timings.json', '02.vtt']);
  });

  it('--only with a scene line id builds that line and its sidecars alone', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SPEC });
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim), { only: ['mine.exit.2'] });
    expect(result.failures).toEqual([]);
    expect(result.summary.generated).toBe(1);
    expect((await readdir(join(dir, 'out/mine'))).sort()).toEqual(['11.mp3', '11.timings.json', '11.vtt']);
  });

  it("the repository's example dialogue is a scene with a cast, a lexicon entry and subtitles", async () => {
    const dir = await exampleProject();
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures).toEqual([]);
    const folder = join(dir, 'examples/assets/audio/dialogue/mine');
    const names = (await readdir(folder)).sort();
    for (const line of ['01-scout', '02-captain', '03-captain']) {
      expect(names).toEqual(expect.arrayContaining(['.mp3', '.timings.json', '.srt', '.vtt'].map((ext) => `${line}${ext}`)));
    }
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const sent = (out: string) => sim.task(lock.assets[out].taskId)?.input;
    expect(sent('dialogue/mine/02-captain.mp3')).toMatchObject({
      voice: 'Charlotte',
      previous_text: 'The tracks go straight down. Fresh ones.',
      next_text: 'Lanterns low. ZY-loth hears everything.',
    });
    expect(sent('dialogue/mine/03-captain.mp3')).toMatchObject({ text: 'Lanterns low. ZY-loth hears everything.' });
    expect(await readFile(join(folder, '03-captain.srt'), 'utf8')).toContain('Lanterns low. Xyloth hears everything.');
    expect(result.events.filter((e) => e.type === 'planned').map((e) => e.asset)).toEqual(
      expect.arrayContaining(['mine.entrance.1', 'mine.entrance.2', 'mine.entrance.3']),
    );
  });

  it('a respelling moved into the lexicon sends the same: no generation, the subtitles written again with the written text', async () => {
    const config = CONFIG.replace(/lexicon:\n( {2}.*\n)+/, '');
    const written = SPEC.replace('"Keep moving, Ghorn."', '"Keep moving."');
    const spelled = written.replace('Lanterns low. Xyloth hears', 'Lanterns low. ZY-loth hears');
    const dir = await makeProject({ 'kieaudio.config.yaml': config, 'audio/mine.audio.yaml': spelled });
    const sim = await simulator();
    const env = simEnv(sim);
    expect((await runBuild(dir, env)).failures).toEqual([]);
    const srt = () => readFile(join(dir, 'out/mine/01.srt'), 'utf8');
    expect(await srt()).toContain('ZY-loth');
    const requests = totalRequests(sim);

    await writeFile(join(dir, 'kieaudio.config.yaml'), `${config}lexicon:\n  Xyloth: ZY-loth\n`);
    await writeFile(join(dir, 'audio/mine.audio.yaml'), written);
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    expect(result.events.find((e) => e.type === 'planned' && e.asset === 'mine.entrance.1')).toMatchObject({
      action: 'sidecars',
      reason: expect.stringContaining('text as written changed, the same is sent'),
    });
    expect(result.summary.generated).toBe(0);
    expect(totalRequests(sim)).toBe(requests);
    expect(await srt()).toContain('Lanterns low. Xyloth hears everything.');
    expect(JSON.parse(await readFile(join(dir, 'out/mine/01.timings.json'), 'utf8'))).toMatchObject({
      text: 'Lanterns low. Xyloth hears everything.',
    });
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    expect(JSON.parse(lock).assets['mine/01.mp3']).toMatchObject({ writtenText: 'Lanterns low. Xyloth hears everything.' });
    const again = await runBuild(dir, env);
    expect(again.summary).toMatchObject({ upToDate: 4, restored: 0, generated: 0 });
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lock);
  });
});
