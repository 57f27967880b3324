import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/index.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { exampleProject, FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const OUT = 'examples/assets/audio';

function generatedOuts(events: BuildEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'generated' ? [e.out] : [])).sort();
}

describe('build of the example project', () => {
  it('generates every asset as a valid file of its format, then a second build does nothing', async () => {
    const dir = await exampleProject();
    const sim = await simulator();
    const first = await runBuild(dir, simEnv(sim));

    expect(first.failures).toEqual([]);
    const assets = first.project.assets;
    expect(assets.length).toBeGreaterThanOrEqual(10);
    expect(first.summary.generated).toBe(assets.length);
    expect(sim.stats().tasksCreated).toBe(assets.length);
    for (const asset of assets) {
      const bytes = await readFile(join(dir, OUT, asset.out));
      const info = inspectAudio(bytes);
      expect(info.container, asset.out).toBe(asset.format.container);
    }
    // the bytes at `out` are what the API served (plus a WAV header for raw formats)
    const hammer = assets.find((a) => a.out === 'sfx/forge/hammer.mp3');
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const served = sim.task(lock.assets['sfx/forge/hammer.mp3'].taskId)?.result;
    expect(hammer && served).toBeTruthy();
    expect(await readFile(join(dir, OUT, 'sfx/forge/hammer.mp3'))).toEqual(served);

    const lockBefore = await readFile(join(dir, 'kieaudio.lock'));
    const statBefore = await stat(join(dir, 'kieaudio.lock'));
    const requestsBefore = totalRequests(sim);
    const second = await runBuild(dir, simEnv(sim));
    expect(second.summary).toMatchObject({ generated: 0, restored: 0, failed: 0, upToDate: assets.length });
    expect(totalRequests(sim)).toBe(requestsBefore);
    expect(await readFile(join(dir, 'kieaudio.lock'))).toEqual(lockBefore);
    expect((await stat(join(dir, 'kieaudio.lock'))).mtimeMs).toBe(statBefore.mtimeMs);
  });

  it('works with no key at all when everything is up to date or restorable', async () => {
    const dir = await exampleProject();
    const sim = await simulator();
    await runBuild(dir, simEnv(sim));
    await rm(join(dir, OUT, 'npc/blacksmith/greet.mp3'));
    const result = await runBuild(dir, { KIE_API_BASE_URL: sim.url });
    expect(result.summary.restored).toBe(1);
  });
});

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;

const SPEC = `defaults:
  voice: { voice: George, speed: 0.95 }
assets:
  - id: a
    kind: voice
    text: "Line A"
    out: a.mp3
  - id: b
    kind: voice
    text: "Line B"
    out: b.mp3
  - id: c
    kind: voice
    voice: Callum
    speed: 1.1
    text: "Line C"
    out: c.mp3
  - id: fx
    kind: effect
    text: "Door creak"
    duration_seconds: 1
    out: fx.wav
    output_format: pcm_16000
`;

async function builtProject() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
  const sim = await simulator();
  const first = await runBuild(dir, simEnv(sim));
  expect(first.failures).toEqual([]);
  expect(first.summary.generated).toBe(4);
  const edit = async (from: string, to: string) => {
    const path = join(dir, 'audio/main.audio.yaml');
    const text = await readFile(path, 'utf8');
    expect(text).toContain(from);
    await writeFile(path, text.replace(from, to));
  };
  return { dir, sim, edit };
}

describe('incremental builds', () => {
  it('regenerates exactly the asset whose text changed', async () => {
    const { dir, sim, edit } = await builtProject();
    await edit('Line B', 'Line B, take two');
    const created = sim.stats().tasksCreated;
    const result = await runBuild(dir, simEnv(sim));
    expect(generatedOuts(result.events)).toEqual(['b.mp3']);
    expect(sim.stats().tasksCreated).toBe(created + 1);
    expect(result.summary).toMatchObject({ generated: 1, upToDate: 3, failed: 0 });
  });

  it('regenerates exactly the assets that inherit a changed file default', async () => {
    const { dir, sim, edit } = await builtProject();
    await edit('speed: 0.95', 'speed: 0.9');
    const result = await runBuild(dir, simEnv(sim));
    // c sets its own speed, fx is an effect: neither inherits voice.speed
    expect(generatedOuts(result.events)).toEqual(['a.mp3', 'b.mp3']);
  });

  it('changing only out or id regenerates nothing', async () => {
    const { dir, sim, edit } = await builtProject();
    await edit('out: a.mp3', 'out: moved/a-renamed.mp3');
    await edit('id: b', 'id: b-renamed');
    const created = sim.stats().tasksCreated;
    const result = await runBuild(dir, simEnv(sim));
    expect(sim.stats().tasksCreated).toBe(created);
    expect(generatedOuts(result.events)).toEqual([]);
    expect(result.summary.restored).toBe(1);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(lock.assets['moved/a-renamed.mp3'].id).toBe('a');
    expect(lock.assets['b.mp3'].id).toBe('b-renamed');
    // the old file stays as an orphan until `clean`
    expect(result.summary.orphans).toBe(1);
    expect(await readFile(join(dir, 'out/moved/a-renamed.mp3'))).toEqual(await readFile(join(dir, 'out/a.mp3')));
  });

  it('moving an output costs nothing even with an empty cache (copied from the old file)', async () => {
    const { dir, sim, edit } = await builtProject();
    await rm(join(dir, '.kieaudio'), { recursive: true });
    await edit('out: a.mp3', 'out: a2.mp3');
    const before = totalRequests(sim);
    const result = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(result.events).toContainEqual(expect.objectContaining({ type: 'restored', out: 'a2.mp3', from: 'a.mp3' }));
  });

  it('restores a deleted output from the cache with zero API calls', async () => {
    const { dir, sim } = await builtProject();
    const original = await readFile(join(dir, 'out/fx.wav'));
    await rm(join(dir, 'out/fx.wav'));
    await rm(join(dir, 'out/a.mp3'));
    const before = totalRequests(sim);
    const result = await runBuild(dir, simEnv(sim));
    expect(totalRequests(sim)).toBe(before);
    expect(result.summary).toMatchObject({ restored: 2, generated: 0, upToDate: 2 });
    expect(await readFile(join(dir, 'out/fx.wav'))).toEqual(original);
    const reasons = result.events.flatMap((e) => (e.type === 'planned' && e.action === 'restore' ? [e.reason] : []));
    expect(reasons).toEqual(['output missing, restoring from cache', 'output missing, restoring from cache']);
  });

  it('changing a spec back to an earlier version restores it from the cache', async () => {
    const { dir, sim, edit } = await builtProject();
    const original = await readFile(join(dir, 'out/a.mp3'));
    await edit('Line A', 'Line A2');
    await runBuild(dir, simEnv(sim));
    await edit('Line A2', 'Line A');
    const created = sim.stats().tasksCreated;
    const result = await runBuild(dir, simEnv(sim));
    expect(sim.stats().tasksCreated).toBe(created);
    expect(await readFile(join(dir, 'out/a.mp3'))).toEqual(original);
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'planned', out: 'a.mp3', action: 'restore', reason: 'text changed, restoring from cache' }),
    );
  });

  it('leaves a hand-edited output alone and reports it; --force replaces it from the cache; --regenerate pays again', async () => {
    const { dir, sim } = await builtProject();
    const original = await readFile(join(dir, 'out/b.mp3'));
    await writeFile(join(dir, 'out/b.mp3'), 'edited in an audio editor');
    const kept = await runBuild(dir, simEnv(sim));
    expect(kept.failures).toEqual([]);
    expect(kept.summary.kept).toBe(1);
    expect(kept.events).toContainEqual(expect.objectContaining({ type: 'kept', out: 'b.mp3' }));
    expect(await readFile(join(dir, 'out/b.mp3'), 'utf8')).toBe('edited in an audio editor');

    const created = sim.stats().tasksCreated;
    const forced = await runBuild(dir, simEnv(sim), { force: true });
    expect(forced.summary).toMatchObject({ restored: 1, generated: 0, kept: 0 });
    expect(sim.stats().tasksCreated).toBe(created);
    expect(await readFile(join(dir, 'out/b.mp3'))).toEqual(original);

    const regenerated = await runBuild(dir, simEnv(sim), { regenerate: true, only: ['b'] });
    expect(generatedOuts(regenerated.events)).toEqual(['b.mp3']);
    expect(sim.stats().tasksCreated).toBe(created + 1);
    expect(await readFile(join(dir, 'out/b.mp3'))).not.toEqual(original);
  });

  it('a file that exists before the first build is not overwritten', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/main.audio.yaml': SPEC,
      'out/a.mp3': 'an older recording',
    });
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.summary).toMatchObject({ generated: 3, kept: 1 });
    expect(await readFile(join(dir, 'out/a.mp3'), 'utf8')).toBe('an older recording');
  });

  it('--offline writes placeholders, marks them in the lock, and a real build replaces them', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const offline = await runBuild(dir, {}, { offline: true });
    expect(offline.summary).toMatchObject({ generated: 4, placeholders: true });
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(Object.values(lock.assets).every((e) => (e as { placeholder?: boolean }).placeholder === true)).toBe(true);
    const again = await runBuild(dir, {}, { offline: true });
    expect(again.summary).toMatchObject({ generated: 0, upToDate: 4 });

    const sim = await simulator();
    const real = await runBuild(dir, simEnv(sim));
    expect(real.summary.generated).toBe(4);
    expect(real.events).toContainEqual(expect.objectContaining({ type: 'planned', reason: 'placeholder from --offline' }));
    const realLock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(Object.values(realLock.assets).some((e) => (e as { placeholder?: boolean }).placeholder)).toBe(false);
  });

  it('a task that fails fails only its asset', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const sim = await simulator({ faults: { taskFail: 1 } });
    const result = await runBuild(dir, simEnv(sim));
    expect(result.summary.failed).toBe(4);
    expect(result.failures[0]?.code).toBe('E_TASK_FAILED');
    sim.setFaults({ taskFail: 0 });
    const retry = await runBuild(dir, simEnv(sim));
    expect(retry.summary).toMatchObject({ generated: 4, failed: 0 });
  });
});
