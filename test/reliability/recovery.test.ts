/**
 * Issue 16, recovery through the API: an output and its cache entry are gone (rm -rf .kieaudio, a
 * fresh clone without the cache) but the lock names the task that made it, and kie.ai keeps
 * results 14 days — so the result is fetched again, at no charge, instead of paid for again. When
 * it cannot be (past retention, another API, a task the API no longer knows, a result that is
 * gone) the asset is generated and the build says why. And tasks of earlier builds are reported
 * as resumed or recovered, never as new generations; one the API has shown before and now denies
 * is replaced at once, not after the "not visible yet" minute. The CLI prints the plan, the build
 * and the missing key; what the build does and says in events is checked through the library
 * (the same events `--json` prints, JSON round trip included).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type ExpectStatic, it } from 'vitest';
import { createKieClient } from '../../src/kie/client.js';
import type { Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { specHash } from '../../src/spec/hash.js';
import { openJournal } from '../../src/store/journal.js';
import { type JsonLine, kieaudio, spawnKieaudio } from '../helpers/cli.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import type { OnFinished } from '../helpers/temp-dir.js';
import { config, FAST_RETRY, fastApi, resources, snapshotTree } from './helpers.js';
import { buildInProcess, journal, summaryOf, waitUntil } from './process-harness.js';

const SPEC = `assets:
  - { id: a, kind: voice, text: "The gate is open.", out: a.mp3 }
  - { id: b, kind: voice, text: "Close it behind you.", out: b.mp3 }
  - { id: c, kind: effect, text: "Gate creak", output_format: pcm_16000, out: c.wav }
`;
const CONFIG = config({ api: fastApi({ retry: FAST_RETRY }) });
const DAY = 24 * 3600_000;

interface Built {
  dir: string;
  sim: Simulator;
  env: Record<string, string>;
  lockText: string;
  taskOf: (out: string) => string;
  bytes: Map<string, Buffer>;
}

/** The project built once (in this process), then `.kieaudio/` removed and `gone` deleted. */
async function lostProject(
  expect: ExpectStatic,
  onTestFinished: OnFinished,
  gone: string[],
  opts: { spec?: string; sim?: SimulatorOptions } = {},
): Promise<Built> {
  const r = resources(onTestFinished);
  const dir = await r.project({ 'kieaudio.config.yaml': CONFIG, 'audio/gate.audio.yaml': opts.spec ?? SPEC });
  const sim = await r.sim(opts.sim);
  const env = simEnv(sim);
  const first = await buildInProcess(dir, env);
  expect(first.error).toBeUndefined();
  expect(summaryOf(first.events)).toMatchObject({ failed: 0 });
  const lockText = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
  const lock = JSON.parse(lockText) as { assets: Record<string, { taskId: string }> };
  const bytes = new Map<string, Buffer>();
  for (const out of Object.keys(lock.assets)) bytes.set(out, await readFile(join(dir, 'out', out)));
  await rm(join(dir, '.kieaudio'), { recursive: true });
  for (const out of gone) await rm(join(dir, 'out', out));
  return { dir, sim, env, lockText, taskOf: (out) => lock.assets[out]?.taskId ?? '', bytes };
}

/** A project of one voice line, and a simulator; `r` makes more of either. */
async function oneLine(onTestFinished: OnFinished, sim: SimulatorOptions) {
  const r = resources(onTestFinished);
  const dir = await r.project({
    'kieaudio.config.yaml': CONFIG,
    'audio/gate.audio.yaml': 'assets:\n  - { id: a, kind: voice, text: "Hold.", out: a.mp3 }\n',
  });
  return { r, dir, sim: await r.sim(sim) };
}

const warnings = (lines: readonly JsonLine[], code: string) => lines.filter((l) => l.type === 'warning' && l.code === code);

describe.concurrent('an output and its cache entry gone, the lock naming its task', () => {
  it('plan says "recoverable from the API"; the build fetches the result again: 0 credits, no task, the same bytes, the lock unchanged', async ({
    expect,
    onTestFinished,
  }) => {
    const b = await lostProject(expect, onTestFinished, ['a.mp3']);
    const requests = totalRequests(b.sim);
    const plan = await kieaudio(b.dir, ['plan'], b.env);
    expect(plan.stdout.split('\n').map((l) => l.replace(/ +/g, ' '))).toEqual([
      `recover a.mp3 output missing, recoverable from the API (task ${b.taskOf('a.mp3')})`,
      '0 to generate, 1 to recover from the API (free), 0 to restore, 2 up to date',
      '',
    ]);
    expect(totalRequests(b.sim), 'plan calls nothing').toBe(requests);

    const before = b.sim.stats();
    const run = await kieaudio(b.dir, ['build'], b.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const after = b.sim.stats();
    expect(after.tasksCreated - before.tasksCreated).toBe(0);
    expect(after.creditsCharged - before.creditsCharged).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^recovered a\\.mp3 +\\(task ${b.taskOf('a.mp3')} fetched again from the API, no charge\\)$`, 'm'),
    );
    expect(run.stdout).toMatch(/^0 generated, 1 recovered from the API, 0 restored, 2 up to date, 0 failed · 0 credits used/m);
    expect(await readFile(join(b.dir, 'out', 'a.mp3'))).toEqual(b.bytes.get('a.mp3'));
    expect(await readFile(join(b.dir, 'kieaudio.lock'), 'utf8'), 'the lock still names the same task, API and time').toBe(b.lockText);
    console.log(
      `[recovery] rm -rf .kieaudio + a.mp3 deleted: second build paid ${after.creditsCharged - before.creditsCharged} credits, created ${after.tasksCreated - before.tasksCreated} tasks`,
    );
  });

  it('assets that share the spec download it once; a result URL that refuses goes through download-url', async ({
    expect,
    onTestFinished,
  }) => {
    const spec = `${SPEC}  - { id: a2, kind: voice, text: "The gate is open.", out: again/a.mp3 }\n`;
    const b = await lostProject(expect, onTestFinished, ['a.mp3', 'again/a.mp3', 'c.wav'], { spec });
    b.sim.setFaults({ resultUrlForbidden: 1 });
    const before = b.sim.stats();
    const run = await buildInProcess(b.dir, b.env);
    expect(run.error).toBeUndefined();
    const after = b.sim.stats();
    expect(after.downloads - before.downloads, 'one download per spec').toBe(2);
    expect(after.downloadUrlRequests - before.downloadUrlRequests).toBe(2);
    expect(after.tasksCreated).toBe(before.tasksCreated);
    expect(summaryOf(run.events)).toMatchObject({ recovered: 2, restored: 1, generated: 0, creditsUsed: 0 });
    for (const out of ['a.mp3', 'again/a.mp3', 'c.wav']) {
      expect(await readFile(join(b.dir, 'out', out)), out).toEqual(b.bytes.get(out === 'again/a.mp3' ? 'a.mp3' : out));
    }
  });

  it('without a key: exit 2 before anything is sent or written, saying what the key is needed for (placeholders are no answer)', async ({
    expect,
    onTestFinished,
  }) => {
    const b = await lostProject(expect, onTestFinished, ['a.mp3']);
    const before = await snapshotTree(b.dir);
    const requests = totalRequests(b.sim);
    const run = await kieaudio(b.dir, ['build'], { KIE_API_BASE_URL: b.sim.url });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'error: KIE_API_KEY is not set, and the results of 1 task already paid for must be fetched from the API. It is not in the environment, and there is no .env (looked for it beside the config). Set it in the environment or in a .env file beside the config.',
    );
    expect(totalRequests(b.sim)).toBe(requests);
    expect(await snapshotTree(b.dir)).toEqual(before);
  });
});

describe.concurrent('when the result cannot be fetched again, the asset is generated and the build says why', () => {
  /** Rewrites a.mp3's lock entry. */
  async function editLockEntry(b: Built, edit: (entry: Record<string, unknown>) => void): Promise<void> {
    const lock = JSON.parse(b.lockText) as { assets: Record<string, Record<string, unknown>> };
    const entry = lock.assets['a.mp3'];
    if (entry) edit(entry);
    await writeFile(join(b.dir, 'kieaudio.lock'), `${JSON.stringify(lock, null, 2)}\n`);
  }

  it("past kie.ai's 14 days (by the lock's generatedAt): not asked for, generated, W_NOT_RECOVERABLE", async ({
    expect,
    onTestFinished,
  }) => {
    const b = await lostProject(expect, onTestFinished, ['a.mp3']);
    const made = new Date(Date.now() - 20 * DAY).toISOString();
    await editLockEntry(b, (e) => {
      e.generatedAt = made;
    });
    const run = await buildInProcess(b.dir, b.env);
    expect(run.error).toBeUndefined();
    const lines = run.events;
    const why = `task ${b.taskOf('a.mp3')} (${made}) is past kie.ai's 14-day retention`;
    expect(lines).toContainEqual(
      expect.objectContaining({ type: 'planned', out: 'a.mp3', action: 'generate', reason: `output missing; ${why}` }),
    );
    expect(warnings(lines, 'W_NOT_RECOVERABLE')).toEqual([
      expect.objectContaining({ asset: 'a', message: `a.mp3 is missing and not in the cache; ${why}, so it is generated again` }),
    ]);
    // the simulator still has the task: had it been polled, the result would have come back free
    expect(summaryOf(lines)).toMatchObject({ generated: 1, recovered: 0 });
  });

  it('made on another API: never polled here, generated, W_NOT_RECOVERABLE', async ({ expect, onTestFinished }) => {
    const b = await lostProject(expect, onTestFinished, ['a.mp3']);
    await editLockEntry(b, (e) => {
      e.baseUrl = 'https://api.kie.ai';
    });
    const lines = (await buildInProcess(b.dir, b.env)).events;
    expect(warnings(lines, 'W_NOT_RECOVERABLE')[0]?.message).toContain('was made on https://api.kie.ai, not on this API');
    expect(summaryOf(lines)).toMatchObject({ generated: 1, recovered: 0 });
  });

  it('the API no longer knows the task (recordInfo is null): generated at once, W_TASK_GONE', async ({ expect, onTestFinished }) => {
    const b = await lostProject(expect, onTestFinished, ['a.mp3']);
    // the same API, restarted with no memory of its tasks
    const port = Number(new URL(b.sim.url).port);
    await b.sim.close();
    const fresh = await resources(onTestFinished).sim({ port });
    const run = await buildInProcess(b.dir, b.env);
    const { ms } = run;
    expect(run.error).toBeUndefined();
    const lines = run.events;
    expect(lines).toContainEqual(expect.objectContaining({ type: 'planned', out: 'a.mp3', action: 'resume' }));
    expect(warnings(lines, 'W_TASK_GONE')).toEqual([
      expect.objectContaining({
        asset: 'a',
        message: expect.stringContaining(`task ${b.taskOf('a.mp3')} from an earlier build is unknown to the API`),
      }),
    ]);
    expect(summaryOf(lines)).toMatchObject({ generated: 1, recovered: 0, failed: 0 });
    expect(fresh.stats().tasksCreated).toBe(1);
    // a task the lock names has been seen: no minute of "not visible yet" grace
    expect(ms, 'time to regenerate').toBeLessThan(10_000);
    console.log(`[recovery] task unknown to the API: regenerated in ${ms} ms`);
  });

  it('its result is gone (404, also through download-url): generated, W_RESULT_EXPIRED', async ({ expect, onTestFinished }) => {
    let sim: Simulator | undefined;
    const b = await lostProject(expect, onTestFinished, ['a.mp3'], {
      // result files 404 until the new task is asked for
      sim: { onRequest: (r) => (r.route === 'POST /api/v1/jobs/createTask' ? sim?.setFaults({ download404: 0 }) : undefined) },
    });
    sim = b.sim;
    b.sim.setFaults({ download404: 1 });
    const run = await buildInProcess(b.dir, b.env);
    expect(run.error).toBeUndefined();
    const lines = run.events;
    expect(warnings(lines, 'W_RESULT_EXPIRED')).toEqual([
      expect.objectContaining({
        asset: 'a',
        message: expect.stringContaining(`the result of task ${b.taskOf('a.mp3')} can no longer be downloaded`),
      }),
    ]);
    expect(summaryOf(lines)).toMatchObject({ generated: 1, recovered: 0, failed: 0 });
    expect(await readFile(join(b.dir, 'out', 'a.mp3'))).not.toEqual(b.bytes.get('a.mp3'));
  });
});

describe.concurrent('tasks of earlier builds', () => {
  it('one the API showed, then forgets (a server restarted under a killed build): replaced at once, not after a minute', async ({
    expect,
    onTestFinished,
  }) => {
    const { r, dir, sim } = await oneLine(onTestFinished, { latencyMs: { min: 20_000, max: 20_000 } });
    const child = spawnKieaudio(dir, ['build', '--json'], simEnv(sim), onTestFinished);
    await child.waitFor(/"type":"state"/, { stream: 'stdout' });
    await waitUntil(async () => (await journal(dir)).some((e) => 'seenAt' in e), 'the journal to say the task was seen');
    await child.kill();

    const port = Number(new URL(sim.url).port);
    await sim.close();
    const fresh = await r.sim({ port });
    const run = await buildInProcess(dir, simEnv(fresh), { timeoutMs: 20_000 });
    expect(run.error).toBeUndefined();
    expect(run.events.filter((e) => e.type === 'warning').map((e) => e.code)).toEqual(['W_TASK_GONE']);
    expect(summaryOf(run.events)).toMatchObject({ generated: 1, resumed: 0, failed: 0 });
    expect(run.ms, 'time to replace a task the API no longer knows').toBeLessThan(10_000);
    console.log(`[recovery] journalled task unknown to a restarted API: replaced in ${run.ms} ms`);
  });

  it('one never seen yet still gets the "not visible yet" grace: resumed, not paid for again', async ({ expect, onTestFinished }) => {
    const { dir, sim } = await oneLine(onTestFinished, { faults: { recordInvisibleMs: 1_500 } });
    // an earlier build's create was answered, then it was killed before its first poll
    const model = 'elevenlabs/text-to-speech-turbo-2-5';
    const input = { text: 'Hold.', voice: 'Rachel' };
    const client = createKieClient({ baseUrl: sim.url, apiKey: 'sim-key' });
    const { taskId } = await client.createTask({ model, input });
    await client.close();
    const entry = { specHash: specHash(model, input), model, baseUrl: sim.url, out: 'a.mp3' };
    await openJournal(join(dir, '.kieaudio'), sim.url).record({ ...entry, state: 'created', taskId, createdAt: new Date().toISOString() });

    const run = await buildInProcess(dir, simEnv(sim));
    expect(run.error).toBeUndefined();
    expect(summaryOf(run.events)).toMatchObject({ generated: 0, resumed: 1 });
    expect(sim.stats().tasksCreated).toBe(1);
  });

  it('a resumed download is reported as resumed, not as a new generation', async ({ expect, onTestFinished }) => {
    const { dir, sim } = await oneLine(onTestFinished, { faults: { truncatedDownload: 1 } });
    const first = await buildInProcess(dir, simEnv(sim));
    expect(summaryOf(first.events)).toMatchObject({ failed: 1 });
    sim.setFaults({ truncatedDownload: 0 });
    const run = await kieaudio(dir, ['build'], simEnv(sim));
    expect(run.code, run.stderr).toBe(0);
    const taskId = (await readFile(join(dir, 'kieaudio.lock'), 'utf8')).match(/"taskId": "(\w+)"/)?.[1];
    expect(run.stdout).toMatch(new RegExp(`^resumed +a\\.mp3 +\\(task ${taskId} of an earlier build, already paid for\\)$`, 'm'));
    expect(run.stdout).toMatch(/^0 generated, 1 resumed, 0 restored, 0 up to date, 0 failed · 0 credits used/m);
  });
});
