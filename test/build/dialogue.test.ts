/**
 * Scenes, cast and lexicon end to end: real builds against the simulator over HTTP. What a line
 * sends (its neighbours' text, the lexicon's respellings) is in its spec, so editing one line
 * regenerates exactly the lines that send its text, and `plan` says why.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, clean, plan, status } from '../../src/index.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
cast:
  captain: { voice: Charlotte, stability: 0.45 }
  scout: { voice: Callum }
`;

function scene(continuity: string, middle = "Then we're not the first."): string {
  return `scenes:
  - id: mine.entrance
    continuity: ${continuity}
    lines:
      - { speaker: scout,   text: "The tracks go straight down. Fresh ones.", out: mine/01.mp3 }
      - { speaker: captain, text: ${JSON.stringify(middle)}, out: mine/02.mp3 }
      - { speaker: captain, text: "Lanterns low. Nobody speaks.", out: mine/03.mp3 }
  - id: mine.exit
    lines:
      - { speaker: scout, text: "Daylight.", out: mine/10.mp3 }
      - { speaker: captain, text: "Keep moving.", out: mine/11.mp3 }
`;
}

const generated = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'generated' ? [e.asset] : [])).sort();

async function reasons(dir: string, env: Record<string, string>): Promise<Record<string, string>> {
  const planned = await plan({ cwd: dir, env });
  return Object.fromEntries(planned.plan.items.filter((i) => i.action.type !== 'up-to-date').map((i) => [i.asset.id, i.reason]));
}

describe('scenes', () => {
  it('sends the neighbours as previous_text/next_text; editing the middle line regenerates it and both neighbours, nothing else', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': scene('neighbours') });
    const sim = await simulator();
    const env = simEnv(sim);
    const first = await runBuild(dir, env);
    expect(first.failures).toEqual([]);
    expect(first.summary.generated).toBe(5);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const middle = sim.task(lock.assets['mine/02.mp3'].taskId);
    expect(middle?.input).toEqual({
      text: "Then we're not the first.",
      voice: 'Charlotte',
      stability: 0.45,
      previous_text: 'The tracks go straight down. Fresh ones.',
      next_text: 'Lanterns low. Nobody speaks.',
    });
    expect(lock.assets['mine/02.mp3'].id).toBe('mine.entrance.2');

    await writeFile(join(dir, 'audio/mine.audio.yaml'), scene('neighbours', 'Then we are not alone.'));
    expect(await reasons(dir, env)).toEqual({
      'mine.entrance.1': "next line's text changed",
      'mine.entrance.2': 'text changed',
      'mine.entrance.3': "previous line's text changed",
    });
    const second = await runBuild(dir, env);
    expect(generated(second.events)).toEqual(['mine.entrance.1', 'mine.entrance.2', 'mine.entrance.3']);
    expect(second.summary).toMatchObject({ generated: 3, restored: 0, upToDate: 2 });
  });

  it('continuity: none regenerates only the edited line', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': scene('none') });
    const sim = await simulator();
    const env = simEnv(sim);
    await runBuild(dir, env);
    await writeFile(join(dir, 'audio/mine.audio.yaml'), scene('none', 'Then we are not alone.'));
    expect(await reasons(dir, env)).toEqual({ 'mine.entrance.2': 'text changed' });
    const second = await runBuild(dir, env);
    expect(generated(second.events)).toEqual(['mine.entrance.2']);
    expect(sim.task(JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).assets['mine/02.mp3'].taskId)?.input).not.toHaveProperty(
      'previous_text',
    );
  });

  it('a build that changes nothing is a no-op: nothing sent, the lock byte-identical and untouched', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': `${CONFIG}lexicon:\n  Lanterns: LAN-terns\n`,
      'audio/mine.audio.yaml': scene('neighbours'),
    });
    const sim = await simulator();
    const env = simEnv(sim);
    await runBuild(dir, env);
    const lockPath = join(dir, 'kieaudio.lock');
    const before = await readFile(lockPath);
    const mtime = (await stat(lockPath)).mtimeMs;
    const requests = totalRequests(sim);
    const again = await runBuild(dir, env);
    expect(again.summary).toMatchObject({ generated: 0, restored: 0, failed: 0, upToDate: 5 });
    expect(totalRequests(sim)).toBe(requests);
    expect(await readFile(lockPath)).toEqual(before);
    expect((await stat(lockPath)).mtimeMs).toBe(mtime);
  });
});

describe('scene lines are assets', () => {
  it('--only selects them by id; status lists them; a removed line is an orphan that clean removes', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': scene('neighbours') });
    const sim = await simulator();
    const env = simEnv(sim);
    const only = await runBuild(dir, env, { only: ['mine.exit.*'] });
    expect(generated(only.events)).toEqual(['mine.exit.1', 'mine.exit.2']);
    await runBuild(dir, env);
    const before = await status({ cwd: dir, env });
    expect(before.assets.map((a) => [a.id, a.status])).toContainEqual(['mine.entrance.3', 'up to date']);

    await writeFile(
      join(dir, 'audio/mine.audio.yaml'),
      scene('neighbours').replace(/^ {6}- \{ speaker: captain, text: "Keep moving.*\n/m, ''),
    );
    const after = await status({ cwd: dir, env });
    expect(after.orphans.map((o) => o.out)).toEqual(['mine/11.mp3']);
    expect((await clean({ cwd: dir, env })).removed).toEqual(['mine/11.mp3']);
  });
});

describe('lexicon', () => {
  const SPEC = `assets:
  - { id: a, kind: voice, text: "Xyloth wakes.", out: a.mp3 }
  - { id: b, kind: voice, text: "The mine is quiet.", out: b.mp3 }
  - { id: c, kind: voice, speaker: captain, text: "Beware of Xyloth, scout.", out: c.mp3 }
  - { id: d, kind: voice, text: "Xyloths are everywhere.", out: d.mp3 }
`;

  it('adding an entry regenerates only the lines containing the word, and plan names the entry', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.audio.yaml': SPEC });
    const sim = await simulator();
    const env = simEnv(sim);
    await runBuild(dir, env);

    await writeFile(join(dir, 'audio/a.audio.yaml'), `lexicon:\n  Xyloth: ZY-loth\n${SPEC}`);
    expect(await reasons(dir, env)).toEqual({ a: 'lexicon entry Xyloth added', c: 'lexicon entry Xyloth added' });
    const second = await runBuild(dir, env);
    expect(generated(second.events)).toEqual(['a', 'c']);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(sim.task(lock.assets['c.mp3'].taskId)?.input.text).toBe('Beware of ZY-loth, scout.');
    expect(lock.assets['c.mp3'].lexicon).toEqual({ Xyloth: 'ZY-loth' });
    expect(lock.assets['b.mp3']).not.toHaveProperty('lexicon');

    await writeFile(join(dir, 'audio/a.audio.yaml'), `lexicon:\n  Xyloth: ZIE-loth\n${SPEC}`);
    expect(await reasons(dir, env)).toEqual({ a: 'lexicon entry Xyloth changed', c: 'lexicon entry Xyloth changed' });
    await writeFile(join(dir, 'audio/a.audio.yaml'), SPEC);
    // back to the first takes: restored from the cache, nothing paid
    expect(await reasons(dir, env)).toEqual({
      a: 'lexicon entry Xyloth removed, restoring from cache',
      c: 'lexicon entry Xyloth removed, restoring from cache',
    });
    const third = await runBuild(dir, env);
    expect(third.summary).toMatchObject({ generated: 0, restored: 2 });
  });
});
