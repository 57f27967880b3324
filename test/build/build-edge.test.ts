/** Build behaviour found by review: shared specs, paid results kept, rotations, isolation. */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/index.js';
import { createKieClient } from '../../src/kie/client.js';
import { specHash } from '../../src/spec/hash.js';
import { PARSE_CACHE_FILE } from '../../src/spec/parse-cache.js';
import { openJournal } from '../../src/store/journal.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;

function voice(id: string, text: string, out = `${id}.mp3`): string {
  return `  - id: ${id}\n    kind: voice\n    text: "${text}"\n    out: ${out}\n`;
}

describe('assets that share a spec', () => {
  it('are paid for once; the others get the same bytes', async () => {
    const spec = `assets:\n${voice('a', 'Yes.')}${voice('b', 'Yes.')}${voice('c', 'Yes.')}${voice('d', 'No.')}`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': spec });
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures).toEqual([]);
    expect(sim.stats().tasksCreated).toBe(2);
    expect(result.summary).toMatchObject({ generated: 2, restored: 2 });
    const a = await readFile(join(dir, 'out/a.mp3'));
    expect(await readFile(join(dir, 'out/b.mp3'))).toEqual(a);
    expect(await readFile(join(dir, 'out/c.mp3'))).toEqual(a);
    expect(result.events).toContainEqual(expect.objectContaining({ type: 'planned', out: 'b.mp3', reason: 'new, same spec as a.mp3' }));
  });

  it('offline too', async () => {
    const spec = `assets:\n${voice('a', 'Yes.')}${voice('b', 'Yes.')}`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': spec });
    const result = await runBuild(dir, {}, { offline: true });
    expect(result.summary).toMatchObject({ generated: 1, restored: 1 });
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(lock.assets['b.mp3'].placeholder).toBe(true);
  });
});

describe('a paid result is never lost', () => {
  it('a task that succeeded but could not be downloaded is downloaded by the next build, not created again', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${voice('a', 'Hello there.')}` });
    const sim = await simulator({ faults: { truncatedDownload: 1 } });
    const first = await runBuild(dir, simEnv(sim));
    expect(first.summary.failed).toBe(1);
    expect(first.summary.creditsUsed).toBeGreaterThan(0);
    sim.setFaults({ truncatedDownload: 0 });
    const second = await runBuild(dir, simEnv(sim));
    expect(second.failures).toEqual([]);
    // resumed, not generated: its credits were reported by the build that paid for it
    expect(second.summary).toMatchObject({ generated: 0, resumed: 1, creditsUsed: 0 });
    expect(sim.stats().tasksCreated).toBe(1);
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'planned', action: 'resume' }));
  });

  it('a local write failure fails only its asset and keeps its task for the next build', async () => {
    const spec = `assets:\n${voice('a', 'One.', 'blocked/a.mp3')}${voice('b', 'Two.')}`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': spec });
    // a file where a folder must go: installing a.mp3 fails with ENOTDIR
    await mkdir(join(dir, 'out'), { recursive: true });
    await writeFile(join(dir, 'out/blocked'), 'not a folder');
    const sim = await simulator();
    const first = await runBuild(dir, simEnv(sim));
    expect(first.summary).toMatchObject({ generated: 1, failed: 1 });
    expect(first.failures[0]?.out).toBe('blocked/a.mp3');

    await rm(join(dir, 'out/blocked'));
    const second = await runBuild(dir, simEnv(sim));
    expect(second.failures).toEqual([]);
    expect(sim.stats().tasksCreated).toBe(2);
  });

  it('an --offline build leaves the journal of real, paid tasks alone', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${voice('a', 'Hello.')}` });
    const sim = await simulator();
    // a real build that created its task and was then killed: only the journal knows the task
    const input = { text: 'Hello.', voice: 'Rachel' };
    const model = 'elevenlabs/text-to-speech-turbo-2-5';
    const client = createKieClient({ baseUrl: sim.url, apiKey: 'sim-key' });
    const { taskId } = await client.createTask({ model, input });
    await client.close();
    await openJournal(join(dir, '.kieaudio'), sim.url).record({
      specHash: specHash(model, input),
      state: 'created',
      taskId,
      model,
      baseUrl: sim.url,
      out: 'a.mp3',
      createdAt: new Date().toISOString(),
    });

    const offline = await runBuild(dir, {}, { offline: true });
    expect(offline.events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'W_FOREIGN_TASKS' }));
    const real = await runBuild(dir, simEnv(sim));
    expect(real.summary).toMatchObject({ generated: 0, resumed: 1 });
    expect(sim.stats().tasksCreated).toBe(1);
  });
});

describe('outputs moved in a circle with an empty cache', () => {
  it('keeps every paid result and calls nothing', async () => {
    const spec = (outs: string[]) => `assets:\n${outs.map((out, i) => voice(`v${i}`, `Line ${i}.`, out)).join('')}`;
    const outs = Array.from({ length: 24 }, (_, i) => `f${i}.mp3`);
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': spec(outs) });
    const sim = await simulator();
    await runBuild(dir, simEnv(sim));
    const before = new Map<string, Buffer>();
    for (let i = 0; i < outs.length; i++) before.set(`Line ${i}.`, await readFile(join(dir, 'out', outs[i] ?? '')));

    await rm(join(dir, '.kieaudio'), { recursive: true });
    const rotated = [...outs.slice(1), outs[0] ?? ''];
    await writeFile(join(dir, 'audio/x.audio.yaml'), spec(rotated));
    const requests = sim.stats().requestsByRoute;
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures).toEqual([]);
    expect(sim.stats().requestsByRoute).toEqual(requests);
    for (let i = 0; i < rotated.length; i++) {
      expect(await readFile(join(dir, 'out', rotated[i] ?? ''))).toEqual(before.get(`Line ${i}.`));
    }
  });
});

describe('plan writes nothing', () => {
  it('not even the removal of a journal temp file a running build may be about to rename', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${voice('a', 'Hi.')}` });
    const journal = join(dir, '.kieaudio/journal');
    await mkdir(journal, { recursive: true });
    const temp = `.x.json.${process.pid}.abcd.kieaudio-tmp`;
    await writeFile(join(journal, temp), '{');
    await plan({ cwd: dir, env: {} });
    expect(await readdir(journal)).toEqual([temp]);
    expect(await readdir(join(dir, '.kieaudio'))).toEqual(['journal']);
  });
});

describe('the parse cache', () => {
  it('is kept by builds, not by plan or build --frozen, and a build from it finds the same', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${voice('a', 'Hi.')}` });
    const cacheFile = join(dir, '.kieaudio', PARSE_CACHE_FILE);
    await plan({ cwd: dir, env: {} });
    await runBuild(dir, {}, { frozen: true });
    await expect(readFile(cacheFile)).rejects.toMatchObject({ code: 'ENOENT' });

    const first = await runBuild(dir, {}, { offline: true });
    expect(first.summary.generated).toBe(1);
    const kept = await readFile(cacheFile, 'utf8');
    expect(kept).toContain('"text":"Hi."');
    const second = await runBuild(dir, {}, { offline: true });
    expect(second.summary).toMatchObject({ generated: 0, upToDate: 1 });
    expect(second.project).toEqual(first.project);
    expect(await readFile(cacheFile, 'utf8')).toBe(kept);
  });
  it('a parse cache that cannot be written does not fail the build', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${voice('a', 'Hi.')}` });
    // a folder where the file should go: the rename onto it fails
    await mkdir(join(dir, '.kieaudio', PARSE_CACHE_FILE, 'in-the-way'), { recursive: true });
    const result = await runBuild(dir, {}, { offline: true });
    expect(result.failures).toEqual([]);
    expect(result.summary.generated).toBe(1);
  });
});

describe('an output whose folder cannot be made', () => {
  it('fails before anything is paid for, saying what is in the way; the others are built', async () => {
    const spec = `assets:\n${voice('a', 'Blocked.', 'blocked/a.mp3')}${voice('b', 'Free.')}`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': spec, 'out/blocked': 'a file, not a folder' });
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures.map((f) => [f.out, f.code])).toEqual([['blocked/a.mp3', 'E_IO']]);
    expect(result.failures[0]?.message).toMatch(
      /cannot make the folder blocked in outDir for blocked\/a\.mp3: a file of that name is in the way/,
    );
    expect(result.summary).toMatchObject({ generated: 1, failed: 1 });
    expect(sim.stats().tasksCreated, 'only b was paid for').toBe(1);
  });

  it('a cache shard blocked by a file fails the asset before paying too', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${voice('a', 'Cached where?')}` });
    const hash = (await plan({ cwd: dir, env: {} })).plan.items[0]?.specHash ?? '';
    await mkdir(join(dir, '.kieaudio/cache'), { recursive: true });
    await writeFile(join(dir, '.kieaudio/cache', hash.slice(0, 2)), 'in the way');
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures.map((f) => f.code)).toEqual(['E_IO']);
    expect(sim.stats().tasksCreated).toBe(0);
  });

  it('does not hold back the assets that share its spec: one of them is generated instead, once', async () => {
    const spec = `assets:\n${voice('a', 'Shared.', 'blocked/a.mp3')}${voice('b', 'Shared.', 'ok/b.mp3')}${voice('c', 'Shared.')}`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': spec, 'out/blocked': 'a file, not a folder' });
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures.map((f) => [f.out, f.code])).toEqual([['blocked/a.mp3', 'E_IO']]);
    expect(result.failures[0]?.message).toMatch(/a file of that name is in the way/);
    expect(sim.stats().tasksCreated).toBe(1);
    expect(await readFile(join(dir, 'out/c.mp3'))).toEqual(await readFile(join(dir, 'out/ok/b.mp3')));
    expect(result.summary).toMatchObject({ generated: 1, restored: 1, failed: 1 });
  });
});
