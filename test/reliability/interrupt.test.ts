/**
 * Issue #3, Ctrl-C: the first SIGINT stops the build promptly with exit 130, says which tasks are
 * still in flight, and keeps them in the journal so that the next build resumes them instead of
 * paying again; a second SIGINT leaves at once, deleting its temp files. Real processes, real
 * signals, the simulator over real HTTP. The normal build after an interrupted one runs in this
 * process through the library (process-harness.ts: the CLI adds only its exit code there).
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { status as statusOf } from '../../src/commands/status.js';
import { jsonLines, spawnKieaudio } from '../helpers/cli.js';
import { listFiles, tempFiles } from '../helpers/files.js';
import { simEnv, startSim } from '../helpers/sim.js';
import {
  buildInProcess,
  checkProject,
  FIXTURE,
  type FixtureAsset,
  journal,
  makeFixtureProject,
  partialDownload,
  summaryOf,
  waitUntil,
} from './process-harness.js';

const VOICES = FIXTURE.filter((a) => a.kind === 'voice'); // four small MP3s
const BIG_WAV = FIXTURE.find((a) => a.out === 'sfx/cave-ambience.wav') as FixtureAsset;

describe.concurrent('Ctrl-C', () => {
  // SIGHUP: the terminal was closed; it stops a build as Ctrl-C does
  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
    it(`one ${signal}: exit 130 at once, tasks in flight printed and journalled, resumed (not re-created) by the next build`, async ({
      expect,
      onTestFinished,
    }) => {
      const dir = await makeFixtureProject(onTestFinished, { assets: VOICES, concurrency: 2 });
      // real time until the interrupted build is gone; then the simulator's clock jumps past the
      // tasks' end, so that the next build finds them done instead of waiting seconds for them
      let later = 0;
      const sim = await startSim(onTestFinished, { latencyMs: { min: 2_000, max: 2_500 }, clock: () => Date.now() + later });
      const child = spawnKieaudio(dir, ['build', '--verbose'], simEnv(sim), onTestFinished);

      // both workers have a task (journalled before "submitted" is printed); nothing has finished
      await child.waitFor(/submitted[\s\S]*task [0-9a-f]+[\s\S]*submitted[\s\S]*task [0-9a-f]+/, { stream: 'stdout' });
      const submitted = [...child.stdout.matchAll(/submitted\s+(\S+)\s+task ([0-9a-f]+)/g)].map((m) => ({ out: m[1], taskId: m[2] }));
      expect(submitted.length).toBe(2);
      const sentAt = Date.now();
      child.proc.kill(signal);
      const exit = await child.exit;
      const exitMs = Date.now() - sentAt;

      expect(exit.code, child.stderr).toBe(130);
      // promptly: the tasks it was waiting on are still running on the server when it is gone
      for (const t of submitted) expect(sim.task(t.taskId ?? '')?.state, `task ${t.taskId} still running at exit`).not.toBe('success');
      expect(exitMs).toBeLessThan(2_000);
      expect(child.stderr).toMatch(/still in flight/);
      for (const t of submitted)
        expect(child.stderr, `in-flight report names ${t.out}`).toMatch(new RegExp(`${t.out}\\s+task ${t.taskId}`));

      const journalled = await journal(dir);
      expect(journalled.map((e) => ({ out: e.out, taskId: e.taskId, state: e.state })).sort((a, b) => a.out.localeCompare(b.out))).toEqual(
        submitted.map((t) => ({ out: t.out, taskId: t.taskId, state: 'created' })).sort((a, b) => (a.out ?? '').localeCompare(b.out ?? '')),
      );
      expect(await tempFiles(dir)).toEqual([]);

      const tasksBefore = sim.stats().tasksCreated;
      expect(tasksBefore).toBe(2);
      later = 3_000;
      const run = await buildInProcess(dir, simEnv(sim));
      expect(run.error).toBeUndefined();
      expect(summaryOf(run.events)).toMatchObject({ failed: 0, notStarted: 0 });
      const planned = run.events.filter((e) => e.type === 'planned');
      for (const t of submitted) expect(planned.find((e) => e.out === t.out)?.action, `${t.out} resumed`).toBe('resume');
      // only the two assets that were never submitted cost a new task
      expect(sim.stats().tasksCreated - tasksBefore).toBe(VOICES.length - submitted.length);
      const check = await checkProject(expect, dir, sim, VOICES);
      for (const t of submitted) expect(check.lock.assets[t.out ?? '']?.taskId).toBe(t.taskId);
      expect(check.extraCharges).toBe(0);
      expect(await journal(dir)).toEqual([]);
      console.log(
        `[interrupt] ${signal} once: exit ${exit.code} ${exitMs}ms after the signal; in flight: ${submitted.map((t) => `${t.out} ${t.taskId}`).join(', ')}; ` +
          `next build: resumed ${submitted.length}, new tasks ${sim.stats().tasksCreated - tasksBefore}, charges ${check.charges} for ${VOICES.length} specs`,
      );
    });
  }

  it('one SIGINT while a create request awaits its answer: the answer is waited for and journalled, so the next build resumes the task instead of paying again', async ({
    expect,
    onTestFinished,
  }) => {
    const asset = VOICES[0] as FixtureAsset;
    const dir = await makeFixtureProject(onTestFinished, { assets: [asset], concurrency: 1 });
    let sent = () => {};
    const createSent = new Promise<void>((resolve) => (sent = resolve));
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // as above: real time until the build is gone, then past the task's end
    let later = 0;
    const sim = await startSim(onTestFinished, {
      latencyMs: { min: 2_000, max: 2_500 },
      clock: () => Date.now() + later,
      onRequest: async (r) => {
        if (r.route !== 'POST /api/v1/jobs/createTask') return;
        sent();
        await answered; // the request is out; its answer is held until after the Ctrl-C
      },
    });
    const child = spawnKieaudio(dir, ['build', '--json'], simEnv(sim), onTestFinished);
    await createSent;
    child.proc.kill('SIGINT');
    await child.waitFor(/Ctrl-C again to quit at once/, { stream: 'stderr' });
    expect(child.exited, 'it waits for the answer to the create it sent').toBe(false);
    answer();
    const exit = await child.exit;
    expect(exit.code, child.stderr).toBe(130);

    const submitted = jsonLines(child.stdout).find((e) => e.type === 'submitted');
    expect(submitted?.taskId).toBeTypeOf('string');
    const interrupted = jsonLines(child.stdout).find((e) => e.type === 'interrupted');
    expect(interrupted?.inFlight, 'the task is reported in flight').toEqual([
      expect.objectContaining({ out: asset.out, taskId: submitted?.taskId }),
    ]);
    expect((await journal(dir)).map((e) => [e.out, e.state, e.taskId])).toEqual([[asset.out, 'created', submitted?.taskId]]);

    later = 3_000;
    const run = await buildInProcess(dir, simEnv(sim));
    expect(run.error).toBeUndefined();
    const { events } = run;
    expect(summaryOf(events)).toMatchObject({ failed: 0, notStarted: 0 });
    expect(events.find((e) => e.type === 'planned')?.action).toBe('resume');
    expect(
      events.filter((e) => e.type === 'warning'),
      'no "maybe charged" warning: nothing was left unanswered',
    ).toEqual([]);
    expect(sim.stats().tasksCreated).toBe(1);
    const check = await checkProject(expect, dir, sim, [asset]);
    expect(check.extraCharges).toBe(0);
    expect(check.lock.assets[asset.out]?.taskId).toBe(submitted?.taskId);
  });

  it('SIGINT twice while create requests await their answers: says how many were left unanswered; the next build holds them and sends nothing for them', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = await makeFixtureProject(onTestFinished, { assets: VOICES, concurrency: 4 });
    let arrived = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const sim = await startSim(onTestFinished, {
      onRequest: async (r) => {
        if (r.route !== 'POST /api/v1/jobs/createTask') return;
        arrived++;
        await released; // slow creates: no answer until the client is gone
      },
    });
    const child = spawnKieaudio(dir, ['build'], simEnv(sim), onTestFinished);
    await waitUntil(() => arrived === VOICES.length, 'every create request is out');
    child.proc.kill('SIGINT');
    await child.waitFor(/Ctrl-C again to quit at once/, { stream: 'stdout' });
    child.proc.kill('SIGINT');
    const exit = await child.exit;
    expect(exit.code, child.stderr).toBe(130);
    expect(child.stderr).toMatch(
      new RegExp(`quit with ${VOICES.length} create requests still waiting for an answer: each may have been charged`),
    );
    release(); // the server goes on: the tasks exist, and are charged
    await waitUntil(() => sim.stats().tasksCreated === VOICES.length, 'the tasks were made');

    const creates = sim.stats().createRequests;
    const status = await statusOf({ cwd: dir, env: simEnv(sim) });
    expect(status.assets.filter((a) => a.status === 'maybe charged').length).toBe(VOICES.length);
    const run = await buildInProcess(dir, simEnv(sim));
    expect(run.error).toBeUndefined();
    const { events } = run;
    // held: the CLI exits 1 for them
    expect(summaryOf(events)).toMatchObject({ held: VOICES.length, generated: 0 });
    expect(events.filter((e) => e.type === 'held').length).toBe(VOICES.length);
    expect(events.filter((e) => e.type === 'warning' && e.code === 'W_MAYBE_CHARGED').length).toBe(VOICES.length);
    expect(sim.stats().createRequests, 'nothing was sent again').toBe(creates);
    console.log(
      `[interrupt] SIGINT twice with ${VOICES.length} creates unanswered: exit ${exit.code}; next build held ${VOICES.length}, sent ${sim.stats().createRequests - creates} create requests`,
    );
  });

  it('SIGINT twice mid-download: exit 130 at once, no partial or temp file anywhere; the next build resumes the task', async ({
    expect,
    onTestFinished,
  }) => {
    const assets = [BIG_WAV, VOICES[0] as FixtureAsset];
    const dir = await makeFixtureProject(onTestFinished, { assets, concurrency: 2 });
    // ~1 MB in 16 KB chunks 20 ms apart: the download stays open for over a second
    const sim = await startSim(onTestFinished, {
      latencyMs: { min: 20, max: 40 },
      downloadPacing: { chunkBytes: 16 * 1024, intervalMs: 20 },
    });
    const child = spawnKieaudio(dir, ['build'], simEnv(sim), onTestFinished);
    await waitUntil(async () => child.exited || (await partialDownload(dir)), 'the big WAV part-way downloaded');
    expect(child.exited).toBe(false);
    const partial = await tempFiles(dir);

    child.proc.kill('SIGINT');
    await child.waitFor(/Ctrl-C again to quit at once/, { stream: 'stdout' });
    const secondAt = Date.now();
    const aliveAtSecond = !child.exited;
    child.proc.kill('SIGINT');
    const exit = await child.exit;
    const exitMs = Date.now() - secondAt;

    expect(exit.code, child.stderr).toBe(130);
    expect(exitMs).toBeLessThan(500);
    expect(await tempFiles(dir), 'temp files after the double Ctrl-C').toEqual([]);
    // nothing half-written at the out: either absent or whole
    expect((await listFiles(join(dir, 'out'))).filter((f) => f.includes('cave-ambience'))).toEqual([]);
    const journalled = (await journal(dir)).filter((e) => e.out === BIG_WAV.out);
    expect(journalled.map((e) => e.state)).toEqual(['created']);

    const tasksBefore = sim.stats().tasksCreated;
    const run = await buildInProcess(dir, simEnv(sim));
    expect(run.error).toBeUndefined();
    expect(summaryOf(run.events)).toMatchObject({ failed: 0, notStarted: 0 });
    const check = await checkProject(expect, dir, sim, assets);
    expect(check.lock.assets[BIG_WAV.out]?.taskId).toBe(journalled[0]?.taskId);
    expect(sim.stats().tasksCreated).toBe(tasksBefore); // both were submitted before the interrupt
    expect(check.extraCharges).toBe(0);
    console.log(
      `[interrupt] SIGINT twice mid-download: partial before=${partial.join(', ')}; exit ${exit.code} ${exitMs}ms after the second signal ` +
        `(${aliveAtSecond && !/finished work is kept/.test(child.stderr) ? 'hard exit' : 'graceful exit had already finished'}); temps after=0; next build resumed task, new tasks ${sim.stats().tasksCreated - tasksBefore}`,
    );
  });

  it('two interrupts delivered together (SIGINT + SIGTERM while stopped): the hard exit deletes the live temp file', async ({
    expect,
    onTestFinished,
  }) => {
    const assets = [BIG_WAV];
    const dir = await makeFixtureProject(onTestFinished, { assets });
    const sim = await startSim(onTestFinished, {
      latencyMs: { min: 20, max: 40 },
      downloadPacing: { chunkBytes: 16 * 1024, intervalMs: 20 },
    });
    const child = spawnKieaudio(dir, ['build'], simEnv(sim), onTestFinished);
    await waitUntil(async () => child.exited || (await partialDownload(dir)), 'the big WAV part-way downloaded');
    // stopped, the process gets both signals at once when it resumes: the second handler call
    // runs before the first interrupt's async cleanup can, so only the hard exit path removes the file
    child.proc.kill('SIGSTOP');
    onTestFinished(() => void child.proc.kill('SIGCONT'));
    child.proc.kill('SIGINT');
    child.proc.kill('SIGTERM');
    child.proc.kill('SIGCONT');
    const exit = await child.exit;
    expect(exit.code, child.stderr).toBe(130);
    expect(child.stderr).not.toMatch(/finished work is kept/); // the hard path, not the graceful one
    expect(await tempFiles(dir)).toEqual([]);
    console.log(`[interrupt] SIGINT+SIGTERM together mid-download: exit ${exit.code}, hard path, temps after=0`);
  });
});
