/**
 * Rebuilds from the project kept in memory (watch/live-project.ts): only what an edit changed is
 * planned, and what another build did meanwhile is seen. Real files, chokidar and the simulator
 * over HTTP; every wait is for an event.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { UP_TO_DATE_FILE } from '../../src/build/up-to-date-stamp.js';
import type { WatchEvent } from '../../src/events.js';
import type { Watcher } from '../../src/watch/watch.js';
import { simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { NPC, SFX, smallProject } from '../helpers/small-project.js';
import { type Collector, startWatch as startWatching } from './collector.js';

const watchers: Watcher[] = [];
afterEach(async () => {
  while (watchers.length > 0) await watchers.pop()?.close();
});

const startWatch = (dir: string, env: Record<string, string>) => startWatching(dir, env, (w) => watchers.push(w));

async function edit(dir: string, file: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(dir, file), 'utf8');
  expect(text).toContain(from);
  await writeFile(join(dir, file), text.replace(from, to));
}

const rebuildEvent = (w: Collector, n: number) =>
  w.events.find((e): e is Extract<WatchEvent, { type: 'rebuild' }> => e.type === 'rebuild' && e.n === n);
const planned = (events: readonly WatchEvent[]) => events.filter((e) => e.type === 'planned');

async function lockEntry(dir: string, out: string): Promise<unknown> {
  return (JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as { assets: Record<string, unknown> }).assets[out];
}

describe('watch rebuilds from memory', () => {
  it('plans only the edited line, and a save that changed nothing generates nothing', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    expect(rebuildEvent(w, 0)?.checked).toBeUndefined();
    const created = sim.stats().tasksCreated;

    await edit(dir, NPC, 'Mind the edge.', 'Mind the edge, friend.');
    const edited = await w.rebuild(1);
    expect(rebuildEvent(w, 1)?.checked).toEqual({ assets: 1, of: 3 });
    expect(planned(edited.events).map((e) => e.out)).toEqual(['npc/bye.mp3']);
    expect(w.outs(edited, 'generated')).toEqual(['npc/bye.mp3']);
    expect(edited.summary).toMatchObject({ generated: 1, upToDate: 2, failed: 0 });
    expect(sim.stats().tasksCreated).toBe(created + 1);

    // the same bytes again: nothing to plan (the line built last time finished, and is not checked again)
    await writeFile(join(dir, NPC), await readFile(join(dir, NPC)));
    const same = await w.rebuild(2);
    expect(rebuildEvent(w, 2)?.checked).toEqual({ assets: 0, of: 3 });
    expect(planned(same.events)).toEqual([]);
    expect(same.summary).toMatchObject({ generated: 0, restored: 0, upToDate: 3 });
    expect(sim.stats().tasksCreated).toBe(created + 1);
    // a rebuild that checked part of the project never stamps all of it up to date (build/up-to-date-stamp.ts)
    expect(existsSync(join(dir, '.kieaudio', UP_TO_DATE_FILE))).toBe(false);
  });

  it('plans again what the last rebuild did not finish', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    // every task fails: the edited line is not built, and stays to be done
    sim.setFaults({ taskFail: 1 });
    await edit(dir, NPC, 'Mind the edge.', 'Mind the edge, friend.');
    const failed = await w.rebuild(1);
    expect(w.outs(failed, 'failed')).toEqual(['npc/bye.mp3']);

    sim.setFaults({ taskFail: 0 });
    await edit(dir, SFX, 'Coin drop', 'Coin drop on stone');
    const next = await w.rebuild(2);
    expect(rebuildEvent(w, 2)?.checked).toEqual({ assets: 2, of: 3 });
    expect(w.outs(next, 'generated')).toEqual(['npc/bye.mp3', 'sfx/coin.mp3']);
  });

  it('checks every asset again after a config save, and finds an output deleted meanwhile', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    // watch does not watch outputs: a deleted one is found by the next full check
    await rm(join(dir, 'out', 'sfx', 'coin.mp3'));
    await edit(dir, 'kieaudio.config.yaml', 'version: 1\n', 'version: 1\n# a comment\n');
    const rebuilt = await w.rebuild(1);
    expect(rebuildEvent(w, 1)?.checked).toBeUndefined();
    expect(planned(rebuilt.events)).toHaveLength(3);
    expect(w.outs(rebuilt, 'restored')).toEqual(['sfx/coin.mp3']);
  });

  it('plans every asset after another build changed the journal (its tasks are resumed, as a build would)', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    // another process journals a task and settles it: the folder changed behind watch's back
    const journal = join(dir, '.kieaudio', 'journal');
    await mkdir(journal, { recursive: true });
    await writeFile(join(journal, 'elsewhere.tmp'), '');
    await rm(join(journal, 'elsewhere.tmp'));
    await edit(dir, NPC, 'Mind the edge.', 'Mind the edge, friend.');
    const rebuilt = await w.rebuild(1);
    expect(rebuildEvent(w, 1)?.checked).toBeUndefined();
    expect(planned(rebuilt.events)).toHaveLength(3);
    expect(w.outs(rebuilt, 'generated')).toEqual(['npc/bye.mp3']);
    // with the journal as this rebuild left it, the next one plans only what changed again
    await edit(dir, SFX, 'Coin drop', 'Coin drop on stone');
    await w.rebuild(2);
    expect(rebuildEvent(w, 2)?.checked).toEqual({ assets: 1, of: 3 });
  });

  it('sees a lock another build changed between two rebuilds, and keeps what that build wrote', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const env = simEnv(sim);
    const w = await startWatch(dir, env);
    const before = await lockEntry(dir, 'npc/greet.mp3');

    // another build in between: a new take of one line, which rewrites its lock entry
    await build({ cwd: dir, env, only: ['npc/greet.mp3'], regenerate: true });
    const regenerated = await lockEntry(dir, 'npc/greet.mp3');
    expect(regenerated).not.toEqual(before);

    await edit(dir, SFX, 'Coin drop', 'Coin drop on stone');
    const rebuilt = await w.rebuild(1);
    expect(w.outs(rebuilt, 'generated')).toEqual(['sfx/coin.mp3']);
    expect(await lockEntry(dir, 'npc/greet.mp3')).toEqual(regenerated);
  });
});
