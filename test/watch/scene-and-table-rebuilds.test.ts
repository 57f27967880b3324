/**
 * Watch rebuilds give what a full build of the same files gives, where a rebuild's narrow plan could
 * miss it: scene files edited or failed on their own, translations tables that appear. Real files, chokidar, the simulator over HTTP, ffmpeg from npm.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/events.js';
import { plan } from '../../src/index.js';
import { type Watcher, watch } from '../../src/watch/watch.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { createCollector, startWatch as startWatching } from './collector.js';

const watchers: Watcher[] = [];
afterEach(async () => {
  while (watchers.length > 0) await watchers.pop()?.close();
});

const startWatch = (dir: string, env: Record<string, string>) => startWatching(dir, env, (w) => watchers.push(w));

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;

function sceneSpec(options: { gap?: number; out?: string } = {}): string {
  return `scenes:
  - id: mine.entrance
    out: ${options.out ?? 'mine/scene.ogg'}
    gap: ${options.gap ?? 0.5}
    lines:
      - { text: "The tracks go straight down.", out: mine/01.mp3 }
      - { text: "Then we're not the first.", out: mine/02.mp3 }
`;
}

const scenesMade = (events: readonly WatchEvent[]) => events.flatMap((e) => (e.type === 'scene' ? [`${e.asset} ${e.out}`] : []));

describe('watch rebuilds equal a full build: scenes and translations tables', () => {
  it('a scene-level edit (gap) with unchanged lines re-joins the scene file, as a build does', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': sceneSpec() });
    const sim = await simulator();
    const env = simEnv(sim);
    const w = await startWatch(dir, env);
    const lockBefore = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(lockBefore.scenes['mine/scene.ogg'].gap).toBe(0.5);

    await writeFile(join(dir, 'audio/mine.audio.yaml'), sceneSpec({ gap: 1 }));
    const rebuilt = await w.rebuild(1);
    expect(rebuilt.error).toBeUndefined();
    // a full build would re-join it ("gap changed"): the watch rebuild must too
    expect(scenesMade(rebuilt.events)).toEqual(['mine.entrance mine/scene.ogg']);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(lock.scenes['mine/scene.ogg'].gap).toBe(1);
    const planned = (await plan({ cwd: dir, env })).plan.scenes?.scenes.map((s) => `${s.scene.id}: ${s.reason}`);
    expect(planned).toEqual(['mine.entrance: up to date']);
  });

  it("a scene's out moved (lines unchanged) makes the scene file at its new out, as a build does", async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': sceneSpec() });
    const sim = await simulator();
    const env = simEnv(sim);
    const w = await startWatch(dir, env);

    await writeFile(join(dir, 'audio/mine.audio.yaml'), sceneSpec({ out: 'mine/entrance.ogg' }));
    const rebuilt = await w.rebuild(1);
    expect(rebuilt.error).toBeUndefined();
    expect(scenesMade(rebuilt.events)).toEqual(['mine.entrance mine/entrance.ogg']);
  });

  it('a scene file that failed is made again by the next rebuild, as a build would (an unrelated save)', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/mine.audio.yaml': sceneSpec({ out: 'sc/scene.ogg' }),
      'audio/other.audio.yaml': 'assets:\n  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: sfx/coin.mp3 }\n',
    });
    // the scene's folder is a file: the scene file cannot be written, its lines can
    await mkdir(join(dir, 'out'), { recursive: true });
    await writeFile(join(dir, 'out', 'sc'), 'not a folder');
    const sim = await simulator();
    const env = simEnv(sim);
    const collector = createCollector();
    watchers.push(await watch({ cwd: dir, env, onEvent: collector.push }));
    const first = await collector.rebuild(0);
    expect(first.events.filter((e) => e.type === 'failed').map((e) => (e.type === 'failed' ? e.out : ''))).toEqual(['sc/scene.ogg']);
    await collector.until((e) => e.find((x) => x.type === 'watching'), 'watching');

    // the obstacle goes; then an unrelated save
    await rm(join(dir, 'out', 'sc'));
    // a full build would make it: the plan of the project as it is says so
    const scenes = (await plan({ cwd: dir, env })).plan.scenes?.scenes ?? [];
    expect(scenes.map((s) => s.action)).not.toContain('up-to-date');
    const text = await readFile(join(dir, 'audio/other.audio.yaml'), 'utf8');
    await writeFile(join(dir, 'audio/other.audio.yaml'), text.replace('Coin drop', 'Coin drop on stone'));
    const rebuilt = await collector.rebuild(1);
    expect(rebuilt.error).toBeUndefined();
    expect(scenesMade(rebuilt.events)).toEqual(['mine.entrance sc/scene.ogg']);
  });

  it('a translations table that appears (named by a glob, not .csv) gives its language, as a full load does', async () => {
    const config = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
languages: [en, de]
localization: { missing: warn, translations: ["l10n/*"] }
${FAST_API}defaults:
  voice: { voice: Rachel }
`;
    const dir = await makeProject({
      'kieaudio.config.yaml': config,
      'audio/lines.audio.yaml': 'assets:\n  - { id: a, kind: voice, text: "Hello there.", out: "{lang}/a.mp3" }\n',
    });
    const sim = await simulator();
    const env = simEnv(sim);
    const w = await startWatch(dir, env);
    expect(w.outs(await w.rebuild(0), 'generated')).toEqual(['en/a.mp3']);

    await mkdir(join(dir, 'l10n'), { recursive: true });
    await writeFile(join(dir, 'l10n', 'de.tsv'), 'id,text.en,text.de\na,Hello there.,Hallo.\n');
    const rebuilt = await w.rebuild(1);
    expect(rebuilt.error).toBeUndefined();
    // what a full load of the same files has
    const full = (await plan({ cwd: dir, env })).plan.items.map((i) => i.asset.out).sort();
    expect(full).toEqual(['de/a.mp3', 'en/a.mp3']);
    expect(w.outs(rebuilt, 'generated')).toEqual(['de/a.mp3']);
  });
});
