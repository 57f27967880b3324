/**
 * watch(): real temp dirs, real file events (chokidar), the simulator over real HTTP. Every wait
 * is for an event, with a deadline; the only timed pauses pace the burst of saves.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { type Watcher, type WatchOptions, watch } from '../../src/watch/watch.js';
import { simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { NPC, SFX, smallProject } from '../helpers/small-project.js';
import { type Collector, createCollector } from './collector.js';

const GREET = 'npc/greet.mp3';
const LOCK = 'kieaudio.lock';

const watchers: Watcher[] = [];
afterEach(async () => {
  // before the helpers remove the temp dir and stop the simulator
  while (watchers.length > 0) await watchers.pop()?.close();
});

async function startWatch(dir: string, env: Record<string, string>, extra: WatchOptions = {}): Promise<Collector & { watcher: Watcher }> {
  const collector = createCollector();
  const watcher = await watch({ cwd: dir, env, onEvent: collector.push, ...extra });
  watchers.push(watcher);
  return Object.assign(collector, { watcher });
}

async function edit(dir: string, file: string, from: string, to: string): Promise<void> {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  expect(text).toContain(from);
  await writeFile(path, text.replace(from, to));
}

/** The first build done and "watching" said: the baseline every test starts from. */
async function ready(w: Collector): Promise<void> {
  const first = await w.rebuild(0);
  expect(first.error).toBeUndefined();
  await w.until((e) => e.find((x) => x.type === 'watching'), 'watching');
}

describe('watch', () => {
  it('rebuilds exactly the asset whose text changed, and restores it from the cache when changed back', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    const first = await w.rebuild(0);
    expect(first.summary).toMatchObject({ generated: 3, failed: 0 });
    await ready(w);
    const created = sim.stats().tasksCreated;

    await edit(dir, NPC, 'a blade', 'an axe');
    const second = await w.rebuild(1);
    expect(second.changes).toEqual([{ file: NPC, change: 'changed' }]);
    expect(w.outs(second, 'generated')).toEqual([GREET]);
    expect(second.summary).toMatchObject({ generated: 1, restored: 0, upToDate: 2, failed: 0 });
    expect(sim.stats().tasksCreated).toBe(created + 1);

    await edit(dir, NPC, 'an axe', 'a blade');
    const third = await w.rebuild(2);
    expect(w.outs(third, 'restored')).toEqual([GREET]);
    expect(third.summary).toMatchObject({ generated: 0, restored: 1, upToDate: 2 });
    expect(sim.stats().tasksCreated).toBe(created + 1);
  });

  it('builds the assets of a new spec file, and reports them as orphans when it is deleted', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    await ready(w);

    const added = 'audio/doors.audio.yaml';
    await writeFile(
      join(dir, added),
      'assets:\n  - { id: door.open, kind: effect, text: "Creaky wooden door opening", out: sfx/doors/open.mp3 }\n  - { id: door.slam, kind: effect, text: "Heavy door slamming shut", out: sfx/doors/slam.mp3 }\n',
    );
    const built = await w.rebuild(1);
    expect(built.changes).toEqual([{ file: added, change: 'added' }]);
    expect(w.outs(built, 'generated')).toEqual(['sfx/doors/open.mp3', 'sfx/doors/slam.mp3']);
    expect(built.summary).toMatchObject({ generated: 2, upToDate: 3 });

    await rm(join(dir, added));
    const removed = await w.rebuild(2);
    expect(removed.changes).toEqual([{ file: added, change: 'removed' }]);
    expect(removed.summary).toMatchObject({ generated: 0, upToDate: 3, orphans: 2 });
    const orphans = await w.until((e) => {
      const found = e.filter((x) => x.type === 'orphan');
      return found.length === 2 ? found : undefined;
    }, 'two orphan events');
    expect(orphans).toEqual([
      { type: 'orphan', out: 'sfx/doors/open.mp3', intact: true, exists: true },
      { type: 'orphan', out: 'sfx/doors/slam.mp3', intact: true, exists: true },
    ]);
  });

  it('reports an invalid edit with file:line:col, keeps the last good state, and builds the fix', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    await ready(w);
    const lock = await readFile(join(dir, LOCK));
    const requests = totalRequests(sim);

    await edit(dir, NPC, '    stability: 0.4\n', '    stability: 4\n');
    const broken = await w.rebuild(1);
    expect(broken.summary).toBeUndefined();
    expect(broken.error).toMatchObject({ code: 'E_VALIDATION' });
    expect(broken.error?.diagnostics).toContainEqual(
      expect.objectContaining({ file: NPC, line: 6, col: 16, severity: 'error', asset: 'smith.greet', field: 'stability' }),
    );
    expect(await readFile(join(dir, LOCK))).toEqual(lock);
    expect(totalRequests(sim)).toBe(requests);

    await edit(dir, NPC, '    stability: 4\n', '    stability: 0.6\n');
    const fixed = await w.rebuild(2);
    expect(fixed.error).toBeUndefined();
    expect(w.outs(fixed, 'generated')).toEqual([GREET]);
  });

  it('folds a burst of 20 saves in 200 ms into one rebuild of the last version', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    await ready(w);
    const created = sim.stats().tasksCreated;

    const path = join(dir, NPC);
    const original = await readFile(path, 'utf8');
    for (let take = 1; take <= 20; take++) {
      await writeFile(path, original.replace('Need a blade sharpened?', `Need a blade sharpened? Take ${take}.`));
      await delay(10);
    }
    const burst = await w.rebuild(1);
    expect(burst.changes).toEqual([{ file: NPC, change: 'changed' }]);
    expect(w.outs(burst, 'generated')).toEqual([GREET]);
    const lock = JSON.parse(await readFile(join(dir, LOCK), 'utf8'));
    expect(lock.assets[GREET].input.text).toBe('Need a blade sharpened? Take 20.');
    expect(sim.stats().tasksCreated).toBe(created + 1);

    // A later, unrelated save gets a rebuild of its own: had the burst left a second rebuild
    // behind, it would show up first or be merged into this one.
    await edit(dir, SFX, 'Coin drop', 'Coin toss');
    const next = await w.rebuild(2);
    expect(next.changes).toEqual([{ file: SFX, change: 'changed' }]);
    expect(w.events.filter((e) => e.type === 'rebuild').length).toBe(3);
  });

  it('queues a change that arrives during a build; the running build finishes and its result lands in the cache', async () => {
    const dir = await smallProject();
    // a frozen clock holds the simulator's tasks in flight until the test lets time move
    let frozenAt: number | undefined;
    const sim = await simulator({ clock: () => frozenAt ?? Date.now() });
    const w = await startWatch(dir, simEnv(sim));
    await ready(w);
    const created = sim.stats().tasksCreated;

    frozenAt = Date.now();
    await edit(dir, NPC, 'a blade sharpened', 'a shield mended');
    const submitted = await w.until(() => w.after(1).find((x) => x.type === 'submitted' && x.out === GREET), 'the task of rebuild 1');
    await edit(dir, NPC, 'a shield mended', 'a horse shod');
    const queued = await w.until((e) => e.find((x) => x.type === 'rebuild-queued'), 'rebuild-queued');
    expect(queued.changes).toEqual([{ file: NPC, change: 'changed' }]);
    // the running build is neither cancelled nor joined by the new change
    expect(w.after(1).filter((e) => e.type === 'summary' || e.type === 'rebuild' || e.type === 'rebuild-error')).toEqual([]);

    frozenAt = undefined;
    const first = await w.rebuild(1);
    expect(first.events).toContainEqual(
      expect.objectContaining({ type: 'generated', out: GREET, taskId: submitted.type === 'submitted' ? submitted.taskId : '' }),
    );
    const second = await w.rebuild(2);
    expect(w.outs(second, 'generated')).toEqual([GREET]);
    expect(sim.stats().tasksCreated).toBe(created + 2);

    // the first take was paid for, so it is in the cache: going back to it costs nothing
    await edit(dir, NPC, 'a horse shod', 'a shield mended');
    const back = await w.rebuild(3);
    expect(w.outs(back, 'restored')).toEqual([GREET]);
    expect(sim.stats().tasksCreated).toBe(created + 2);
  });

  it('watches what a changed include reaches', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    await ready(w);

    await mkdir(join(dir, 'extra'));
    await writeFile(join(dir, 'extra/ui.audio.yaml'), 'assets:\n  - { kind: effect, text: "Soft menu click", out: sfx/ui/click.mp3 }\n');
    await edit(
      dir,
      'kieaudio.config.yaml',
      'include: ["audio/**/*.audio.yaml"]',
      'include: ["audio/**/*.audio.yaml", "extra/*.audio.yaml"]',
    );
    const widened = await w.rebuild(1);
    expect(widened.changes).toEqual([{ file: 'kieaudio.config.yaml', change: 'changed' }]);
    expect(w.outs(widened, 'generated')).toEqual(['sfx/ui/click.mp3']);
    await w.until((e) => e.find((x) => x.type === 'watching' && x.specFiles === 3), 'watching 3 spec files');

    await edit(dir, 'extra/ui.audio.yaml', 'Soft menu click', 'Soft menu tick');
    const edited = await w.rebuild(2);
    expect(edited.changes).toEqual([{ file: 'extra/ui.audio.yaml', change: 'changed' }]);
    expect(w.outs(edited, 'generated')).toEqual(['sfx/ui/click.mp3']);
  });

  it('close() during a build stops it; the task stays in the journal and the next build resumes it without paying again', async () => {
    const dir = await smallProject();
    let frozenAt: number | undefined;
    const sim = await simulator({ clock: () => frozenAt ?? Date.now() });
    const w = await startWatch(dir, simEnv(sim));
    await ready(w);

    frozenAt = Date.now();
    await edit(dir, NPC, 'a blade sharpened', 'a shield mended');
    const submitted = await w.until(() => w.after(1).find((x) => x.type === 'submitted'), 'the task of rebuild 1');
    await w.watcher.close();
    await w.watcher.closed;
    const created = sim.stats().tasksCreated;

    frozenAt = undefined;
    const events: unknown[] = [];
    const result = await build({ cwd: dir, env: simEnv(sim), onEvent: (e) => events.push(e) });
    expect(result.summary).toMatchObject({ generated: 0, resumed: 1, failed: 0 });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'generated',
        origin: 'resumed',
        out: GREET,
        taskId: submitted.type === 'submitted' ? submitted.taskId : '',
      }),
    );
    expect(sim.stats().tasksCreated).toBe(created);
  });

  it('an invalid project at start is reported, and watching goes on until it is fixed', async () => {
    const dir = await smallProject();
    await edit(dir, NPC, '    stability: 0.4\n', '    stabilty: 0.4\n');
    const sim = await simulator();
    const w = await startWatch(dir, simEnv(sim));
    const first = await w.rebuild(0);
    expect(first.error?.diagnostics).toContainEqual(expect.objectContaining({ file: NPC, code: 'E_UNKNOWN_KEY' }));
    await w.until((e) => e.find((x) => x.type === 'watching'), 'watching');
    expect(totalRequests(sim)).toBe(0);

    await edit(dir, NPC, '    stabilty: 0.4\n', '    stability: 0.4\n');
    const fixed = await w.rebuild(1);
    expect(fixed.summary).toMatchObject({ generated: 3, failed: 0 });
  });
});
