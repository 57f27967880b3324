/**
 * Issue #3, one build at a time: two builds on one project never corrupt it — the second waits
 * (or, with --no-wait, fails at once naming the first), and a lock left by a process that no
 * longer exists is taken over instead of blocking builds forever. Builds that need not be another
 * process (taking over a dead one's lock: a dead pid is dead to this process too) run in this
 * process through the library.
 */
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it, vi } from 'vitest';
import { jsonLines, runKieaudio, spawnKieaudio } from '../helpers/cli.js';
import { deadPid } from '../helpers/dead-pid.js';
import { tempFiles } from '../helpers/files.js';
import { simEnv, startSim } from '../helpers/sim.js';
import { createTempDir } from '../helpers/temp-dir.js';
import { buildInProcess, checkProject, FIXTURE, makeFixtureProject, summaryOf, waitUntil } from './process-harness.js';

const LOCK = join('.kieaudio', 'build.lock');

/**
 * For the in-process takeover race: while `on`, the n-th removal of a build.lock in this process
 * is delayed n × 15 ms — a slow disk, a busy machine — so one contender's removal of the stale
 * lock can land after another contender has already replaced it with its own.
 */
const slowUnlink = vi.hoisted(() => ({ on: false, calls: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const unlink: typeof fs.unlink = async (path) => {
    if (slowUnlink.on && String(path).endsWith('build.lock')) {
      const n = slowUnlink.calls++;
      await new Promise((resolve) => setTimeout(resolve, n * 15));
    }
    return fs.unlink(path);
  };
  return { ...fs, default: { ...fs, unlink }, unlink };
});

async function lockHolder(dir: string): Promise<{ pid: number; host: string; token: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, LOCK), 'utf8')) as { pid: number; host: string; token: string };
  } catch {
    return undefined;
  }
}

/**
 * Holds every status poll until opened: a build that holds the project lock cannot finish before
 * the test has seen what the second build does, however slowly that one starts.
 */
function pollGate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    onRequest: async (r: { route: string }) => {
      if (r.route === 'GET /api/v1/jobs/recordInfo') await opened;
    },
  };
}

describe.concurrent('two builds on one project', () => {
  it('the second waits for the first, says so, then finds everything up to date; nothing is corrupted or paid twice', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = await makeFixtureProject(onTestFinished);
    const gate = pollGate();
    const sim = await startSim(onTestFinished, { latencyMs: { min: 100, max: 200 }, onRequest: gate.onRequest });
    const first = spawnKieaudio(dir, ['build', '--json'], simEnv(sim), onTestFinished);
    await waitUntil(async () => first.exited || (await lockHolder(dir))?.pid === first.pid, 'the first build to hold the lock');
    const second = spawnKieaudio(dir, ['build'], simEnv(sim), onTestFinished);
    await second.waitFor(/waiting for another kieaudio build/, { timeoutMs: 15_000 });
    expect(first.exited, 'the first build was still running while the second waited').toBe(false);
    expect(second.stdout + second.stderr).toContain(`pid ${first.pid}`);
    gate.open();

    const [a, b] = await Promise.all([first.exit, second.exit]);
    expect(a.code, first.stderr).toBe(0);
    expect(b.code, second.stderr).toBe(0);
    expect(summaryOf(jsonLines(first.stdout))?.generated).toBe(FIXTURE.length);
    expect(second.stdout).toMatch(new RegExp(`0 generated, 0 restored, ${FIXTURE.length} up to date, 0 failed`));

    const check = await checkProject(expect, dir, sim, FIXTURE);
    expect(check.extraCharges).toBe(0);
    expect(sim.stats().tasksCreated).toBe(FIXTURE.length);
    expect(await lockHolder(dir), 'the build lock is released').toBeUndefined();
    expect(await tempFiles(dir)).toEqual([]);
    console.log(
      `[concurrent] wait: first pid ${first.pid} generated ${FIXTURE.length}; second waited, then up to date; tasksCreated=${sim.stats().tasksCreated}, charges=${check.charges}`,
    );
  });

  it('--no-wait fails at once with exit 1, naming the other process; the first build is unharmed', async ({ expect, onTestFinished }) => {
    const dir = await makeFixtureProject(onTestFinished);
    const gate = pollGate();
    const sim = await startSim(onTestFinished, { latencyMs: { min: 100, max: 200 }, onRequest: gate.onRequest });
    const first = spawnKieaudio(dir, ['build', '--json'], simEnv(sim), onTestFinished);
    await waitUntil(async () => first.exited || (await lockHolder(dir))?.pid === first.pid, 'the first build to hold the lock');

    const second = await runKieaudio(onTestFinished, dir, ['build', '--no-wait'], simEnv(sim));
    expect(first.exited, 'the second gave up while the first was still running').toBe(false);
    gate.open();
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(/another kieaudio build is running/);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toContain(hostname());
    expect((await lockHolder(dir))?.pid, 'the first build’s lock is left alone').toBe(first.pid);

    expect((await first.exit).code, first.stderr).toBe(0);
    const check = await checkProject(expect, dir, sim, FIXTURE);
    expect(check.extraCharges).toBe(0);
    expect(sim.stats().createRequests, 'the second build sent nothing').toBe(FIXTURE.length);
    console.log(`[concurrent] --no-wait: exit ${second.code} in ${second.ms}ms: ${second.stderr.trim().split('\n')[0]}`);
  });

  it('a lock left by a process that no longer exists is taken over at once', async ({ expect, onTestFinished }) => {
    const dir = await makeFixtureProject(onTestFinished);
    const sim = await startSim(onTestFinished);
    const pid = await deadPid();
    await mkdir(join(dir, '.kieaudio'), { recursive: true });
    await writeFile(
      join(dir, LOCK),
      `${JSON.stringify({ pid, host: hostname(), startedAt: new Date(Date.now() - 60_000).toISOString(), token: 'deadbeefdeadbeef' })}\n`,
    );

    const run = await buildInProcess(dir, simEnv(sim), { wait: false });
    expect(run.error).toBeUndefined();
    expect(summaryOf(run.events)).toMatchObject({ failed: 0, notStarted: 0 });
    expect(run.events.filter((e) => e.type === 'waiting-for-lock')).toEqual([]);
    expect((await checkProject(expect, dir, sim, FIXTURE)).extraCharges).toBe(0);
    expect(await lockHolder(dir)).toBeUndefined();
    console.log(`[concurrent] stale lock of dead pid ${pid}: taken over, build done in ${run.ms}ms`);
  });

  it('a half-written lock (empty, older than a few seconds) is taken over too', async ({ expect, onTestFinished }) => {
    const dir = await makeFixtureProject(onTestFinished, { assets: FIXTURE.slice(0, 2) });
    const sim = await startSim(onTestFinished);
    await mkdir(join(dir, '.kieaudio'), { recursive: true });
    await writeFile(join(dir, LOCK), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, LOCK), old, old);
    const run = await buildInProcess(dir, simEnv(sim));
    expect(run.error).toBeUndefined();
    expect(summaryOf(run.events)).toMatchObject({ failed: 0, notStarted: 0 });
    await checkProject(expect, dir, sim, FIXTURE.slice(0, 2));
  });

  it('a build SIGKILLed mid-run leaves its lock; the next build takes it over and finishes the job', async ({ expect, onTestFinished }) => {
    const dir = await makeFixtureProject(onTestFinished);
    const sim = await startSim(onTestFinished, { latencyMs: { min: 150, max: 300 } });
    const victim = spawnKieaudio(dir, ['build', '--json'], simEnv(sim), onTestFinished);
    await victim.waitFor(/"type":"submitted"/, { stream: 'stdout' });
    const exit = await victim.kill();
    expect(exit.signal).toBe('SIGKILL');
    expect((await lockHolder(dir))?.pid, 'the dead build’s lock is still there').toBe(victim.pid);

    const run = await buildInProcess(dir, simEnv(sim));
    expect(run.error).toBeUndefined();
    const { events } = run;
    expect(events.filter((e) => e.type === 'waiting-for-lock')).toEqual([]);
    const reported = events.filter((e) => e.type === 'warning' && e.code === 'W_MAYBE_CHARGED').length;
    // a create the killed build had out without an answer is held (maybe charged), not resent
    const held = events.filter((e) => e.type === 'held').length;
    expect(held).toBe(reported);
    expect(summaryOf(events)).toMatchObject({ held, failed: 0, notStarted: 0 });
    if (held > 0) {
      const resent = await buildInProcess(dir, simEnv(sim), { resendUnanswered: true });
      expect(resent.error).toBeUndefined();
      expect(summaryOf(resent.events)).toMatchObject({ held: 0, failed: 0, notStarted: 0 });
    }
    const check = await checkProject(expect, dir, sim, FIXTURE);
    expect(check.extraCharges).toBeLessThanOrEqual(reported);
    expect(await lockHolder(dir)).toBeUndefined();
    console.log(
      `[concurrent] SIGKILLed build pid ${victim.pid}: lock taken over, held ${held}, charges=${check.charges} extra=${check.extraCharges} reported=${reported}`,
    );
  });
});

describe.concurrent('taking over a stale lock is exclusive', () => {
  it('several builds racing for a dead process’s lock: exactly one builds, the others find it up to date', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = await makeFixtureProject(onTestFinished, { assets: FIXTURE.slice(0, 4) });
    const sim = await startSim(onTestFinished, { latencyMs: { min: 200, max: 300 } });
    await mkdir(join(dir, '.kieaudio'), { recursive: true });
    await writeFile(
      join(dir, LOCK),
      `${JSON.stringify({ pid: await deadPid(), host: hostname(), startedAt: new Date().toISOString(), token: '0123456789abcdef' })}\n`,
    );
    const runs = await Promise.all([1, 2, 3].map(() => runKieaudio(onTestFinished, dir, ['build', '--json'], simEnv(sim))));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const generated = runs.map((r) => Number(summaryOf(jsonLines(r.stdout))?.generated ?? -1));
    console.log(
      `[concurrent] 3 builds on a stale lock: generated per build ${generated.join('/')}, tasksCreated=${sim.stats().tasksCreated} for 4 specs`,
    );
    expect(
      generated.filter((g) => g > 0),
      'builds that generated (they must have run one at a time)',
    ).toEqual([4]);
    expect((await checkProject(expect, dir, sim, FIXTURE.slice(0, 4))).extraCharges).toBe(0);
  });

  it('in one process, eight acquirers of a dead holder’s lock: exactly one gets it, even when removals are slow', async ({
    expect,
    onTestFinished,
  }) => {
    const { acquireBuildLock } = await import('../../src/store/build-lock.js');
    const base = await createTempDir(onTestFinished, 'kieaudio-rel-');
    const pid = await deadPid();
    const winners: number[] = [];
    for (const slow of [false, true]) {
      for (let round = 0; round < 5; round++) {
        const stateDir = join(base, `r${slow}${round}`);
        await mkdir(stateDir);
        await writeFile(
          join(stateDir, 'build.lock'),
          `${JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), token: 'feedfacefeedface' })}\n`,
        );
        slowUnlink.calls = 0;
        slowUnlink.on = slow;
        const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireBuildLock(stateDir, { wait: false })));
        slowUnlink.on = false;
        winners.push(results.filter((r) => r.status === 'fulfilled').length);
        for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('E_LOCKED');
      }
    }
    console.log(
      `[concurrent] stale-lock takeover, 8 acquirers, 5 rounds at full speed then 5 with staggered removals: holders per round ${winners.join(',')}`,
    );
    expect(winners, 'lock holders per round').toEqual(Array(10).fill(1));
  });
});
