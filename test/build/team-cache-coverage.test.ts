import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startWebdavCache } from '../helpers/cache-servers.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const SPEC = 'assets:\n  - { id: a, kind: voice, text: "The first line.", out: a.mp3 }\n';

function config(url: string, api = FAST_API): string {
  return `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\ndefaults: { voice: { voice: Rachel } }\ncache:\n  remote: { url: "${url}", timeoutSeconds: 2 }\n${api}`;
}

/** FAST_API with a poll timeout of `seconds`. */
function api(seconds: number): string {
  return FAST_API.replace('timeoutSeconds: 30', `timeoutSeconds: ${seconds}`);
}

describe('the team cache gets everything a build pays for, and spares what it can', () => {
  it('uploads the result of a task an earlier build paid for and this one resumed', async () => {
    const server = await startWebdavCache(onTestFinished, {});
    const sim = await simulator({ latencyMs: { min: 400, max: 400 } });
    const dir = await makeProject({ 'kieaudio.config.yaml': config(server.url, api(0.05)), 'audio/a.audio.yaml': SPEC });
    const first = await runBuild(dir, simEnv(sim));
    expect(first.failures.map((f) => f.code)).toEqual(['E_TASK_TIMEOUT']);
    await writeFile(join(dir, 'kieaudio.config.yaml'), config(server.url));
    const second = await runBuild(dir, simEnv(sim));
    expect(second.summary.resumed).toBe(1);
    expect(second.summary.remote).toMatchObject({ uploads: 1 });
    expect(await readdir(join(server.dir, 'ac'))).toHaveLength(1);
    expect(sim.stats().tasksCreated).toBe(1);
  });

  it('uploads a --regenerate take', async () => {
    const server = await startWebdavCache(onTestFinished, {});
    const sim = await simulator();
    const dir = await makeProject({ 'kieaudio.config.yaml': config(server.url), 'audio/a.audio.yaml': SPEC });
    await runBuild(dir, simEnv(sim));
    const again = await runBuild(dir, simEnv(sim), { regenerate: true });
    expect(again.summary.generated).toBe(1);
    expect(again.summary.remote).toMatchObject({ uploads: 1 });
  });

  it('restores a maybe-charged asset from the team cache instead of holding it', async () => {
    const server = await startWebdavCache(onTestFinished, {});
    const sim = await simulator();
    const teammate = await makeProject({ 'kieaudio.config.yaml': config(server.url), 'audio/a.audio.yaml': SPEC });
    await runBuild(teammate, simEnv(sim));
    const mine = await makeProject({ 'kieaudio.config.yaml': config('http://127.0.0.1:9'), 'audio/a.audio.yaml': SPEC });
    sim.setFaults({ lostCreateResponse: 1 });
    expect((await runBuild(mine, simEnv(sim))).failures.map((f) => f.maybeCharged)).toEqual([true]);
    sim.setFaults({ lostCreateResponse: 0 });
    await writeFile(join(mine, 'kieaudio.config.yaml'), config(server.url));
    const created = sim.stats().tasksCreated;
    const next = await runBuild(mine, simEnv(sim));
    expect(next.plan.items.map((i) => i.action.type)).toEqual(['restore']);
    expect(next.failures).toEqual([]);
    expect(sim.stats().tasksCreated).toBe(created);
  });
});

describe('a budget with a required team cache', () => {
  it('does not count the assets the unreadable required cache already failed (nothing would be paid for them)', async () => {
    const sim = await simulator();
    const dir = await makeProject({
      'kieaudio.config.yaml': config('http://127.0.0.1:9').replace(
        'timeoutSeconds: 2 }',
        'timeoutSeconds: 2, required: true }\nbudget: { maxCredits: 0 }',
      ),
      'audio/a.audio.yaml': SPEC,
    });
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures.map((f) => f.code)).toEqual(['E_REMOTE_CACHE']);
    expect(sim.stats().createRequests).toBe(0);
  });
});
