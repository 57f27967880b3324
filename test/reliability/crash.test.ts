/**
 * Issue #3, kill -9: the built CLI is SIGKILLed at many moments of a build — by its own failpoints
 * (KIEAUDIO_FAILPOINT) and from outside (on a simulator request) — and then built normally.
 * Whatever the moment, the next build must finish every asset with the exact bytes the simulator
 * served for the task the lock names, leave no temp file behind, and never pay twice for a spec
 * without saying so: the only way to a second charge is a create request whose answer was never
 * journalled, and the next build must report each of those (W_MAYBE_CHARGED,
 * summary.possibleDuplicateCharges) and hold it rather than send it again; a build with
 * --resend-unanswered, the user's word, then finishes them.
 *
 * One kill per code path: before the create, after it (answer not journalled), after the journal,
 * between polls, mid-download (online into the cache, and --offline straight to out), with the
 * result cached, installed but not locked, during the lock write, on a createTask and on a result
 * download arriving at the simulator, on a held poll, and four kills in a row on one wreck. The
 * killed builds are real processes; the normal build after them runs in this process through the
 * library (the CLI adds only its exit code there), except after the repeated kills, where it is
 * the CLI too.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type ExpectStatic, it, type TestContext } from 'vitest';
import type { SimRequest, Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { type Exit, type JsonLine, jsonLines, runKieaudio, type Spawned, spawnKieaudio, type TimedRun } from '../helpers/cli.js';
import { listFiles, tempFiles } from '../helpers/files.js';
import { simEnv, startSim } from '../helpers/sim.js';
import {
  ageJournal,
  buildInProcess,
  checkProject,
  FIXTURE,
  type InProcessRun,
  type JournalFile,
  journal,
  makeFixtureProject,
  maybeChargedOuts,
  readLock,
  summaryOf,
  tempOwner,
  waitUntil,
} from './process-harness.js';

const LATENCY = { min: 40, max: 160 };

interface CrashContext {
  expect: ExpectStatic;
  onTestFinished: TestContext['onTestFinished'];
  dir: string;
  sim: Simulator;
  /** set while a build runs, so that simulator hooks can reach it */
  child: Box;
  /** pids of the builds that were killed */
  killed: number[];
}

/** What the disk must show right after the kill, proving the kill came at the intended moment. */
type Evidence = (c: CrashContext, after: { journal: JournalFile[]; files: string[] }) => Promise<void> | void;

interface Scenario {
  name: string;
  /** a failpoint spec for the killed build, or an external killer */
  failpoint?: string;
  /** runs the killed build(s) itself; default: one build with `failpoint` */
  crash?: (c: CrashContext) => Promise<JsonLine[]>;
  sim?: SimulatorOptions;
  /** can the moment itself leave a create unanswered? (before-create, after-create, kills on a create request) */
  mayDuplicate: boolean;
  evidence?: Evidence;
  /** the normal build after the kill through the CLI (default: through the library, in this process) */
  recoverWithCli?: boolean;
}

const hasCreating: Evidence = (c, { journal }) => {
  c.expect(
    journal.some((e) => e.state === 'creating'),
    'a create intent is journalled',
  ).toBe(true);
};
const hasCreated: Evidence = (c, { journal }) => {
  c.expect(
    journal.some((e) => e.state === 'created' && e.taskId),
    'a created task is journalled',
  ).toBe(true);
};
const tempInCache: Evidence = (c, { files }) => {
  c.expect(
    files.filter((f) => f.startsWith('.kieaudio/cache/') && f.endsWith('.kieaudio-tmp')),
    'a partial download in the cache',
  ).not.toEqual([]);
};
const cachedNotInstalled: Evidence = async (c, { files }) => {
  const cached = files.filter((f) => /^\.kieaudio\/cache\/[0-9a-f]{2}\/[0-9a-f]{64}\.json$/.test(f)).length;
  const installed = files.filter((f) => f.startsWith('out/') && !f.endsWith('.kieaudio-tmp')).length;
  c.expect(cached, 'a result is cached but not installed').toBeGreaterThan(installed);
};
const installedNotLocked: Evidence = async (c, { files }) => {
  const installed = files.filter((f) => f.startsWith('out/') && !f.endsWith('.kieaudio-tmp'));
  const locked = files.includes('kieaudio.lock') ? Object.keys((await readLock(c.dir)).lock.assets) : [];
  c.expect(
    installed.filter((f) => !locked.includes(f.slice('out/'.length))),
    'an output installed but not in the lock',
  ).not.toEqual([]);
};
const lockTemp: Evidence = (c, { files }) => {
  c.expect(
    files.filter((f) => /^\.kieaudio\.lock\..*\.kieaudio-tmp$/.test(f)),
    'the new lock is in a temp file',
  ).not.toEqual([]);
};

/** One build, SIGKILLed by `failpoint` or by the scenario's hooks; the kill is asserted. */
async function killedBuild(c: CrashContext, env: Record<string, string> = {}): Promise<{ events: JsonLine[]; exit: Exit }> {
  const child = spawnKieaudio(c.dir, ['build', '--json'], simEnv(c.sim, env), c.onTestFinished);
  c.child.current = child;
  c.killed.push(child.pid);
  const exit = await withDeadline(child.exit, 20_000, 'the killed build');
  c.child.current = undefined;
  c.expect(exit.signal, `the build was killed (exit ${exit.code}):\n${child.stdout}\n${child.stderr}`).toBe('SIGKILL');
  return { events: jsonLines(child.stdout), exit };
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no exit within ${ms} ms`)), ms);
    }),
  ]);
}

type Box = { current: Spawned | undefined };

/**
 * A simulator hook that SIGKILLs the running build the n-th time a request matching `match`
 * arrives, waits for it to be gone, and only then lets the simulator handle the request.
 */
function killOnRequest(box: Box, match: (r: SimRequest) => boolean, nth: number) {
  let seen = 0;
  return async (r: SimRequest) => {
    if (!match(r)) return;
    seen++;
    if (seen === nth) await box.current?.kill();
  };
}

const isCreate = (r: SimRequest) => r.route === 'POST /api/v1/jobs/createTask';
const isPoll = (r: SimRequest) => r.route === 'GET /api/v1/jobs/recordInfo';

const SCENARIOS: Array<Scenario & { box?: Box }> = [];
/** A scenario whose simulator hooks need the running build: they reach it through `box`. */
function scenario(s: Scenario | ((box: Box) => Scenario)): void {
  if (typeof s === 'function') {
    const box: Box = { current: undefined };
    SCENARIOS.push({ ...s(box), box });
  } else {
    SCENARIOS.push(s);
  }
}

// ── the process kills itself at a named point ──
scenario({
  name: 'before-create (3rd create: intent journalled, request not sent)',
  failpoint: 'before-create:3',
  mayDuplicate: true,
  evidence: hasCreating,
});
// (after-create:2, with no task journalled yet, is the first kill of the repeated scenario below)
scenario({
  name: 'after-create (7th answer received, not journalled)',
  failpoint: 'after-create:7',
  mayDuplicate: true,
  evidence: hasCreating,
});
scenario({ name: 'after-journal (3rd task id journalled)', failpoint: 'after-journal:3', mayDuplicate: false, evidence: hasCreated });
scenario({ name: 'polling (6th state change)', failpoint: 'polling:6', mayDuplicate: false, evidence: hasCreated });
// Paced so that chunks arrive one by one: a busy reader would otherwise get the file in a few
// large reads, and the n-th pass through the failpoint might never come.
const PACED = { downloadPacing: { chunkBytes: 32 * 1024, intervalMs: 3 } };
// (mid-download:1 is the --offline test's kill, mid-download:2 one of the repeated kills)
scenario({ name: 'mid-download (4th chunk)', failpoint: 'mid-download:4', sim: PACED, mayDuplicate: false, evidence: tempInCache });
scenario({
  name: 'after-cache (3rd result cached, not at out)',
  failpoint: 'after-cache:3',
  mayDuplicate: false,
  evidence: cachedNotInstalled,
});
// (after-install: its own test below, which also follows the adopted output weeks later)
scenario({ name: 'lock-write (first lock write, temp not renamed)', failpoint: 'lock-write:1', mayDuplicate: false, evidence: lockTemp });

// ── killed from outside ──
scenario((box) => ({
  name: 'external: SIGKILL as the 5th createTask arrives (task made and charged, answer lost)',
  sim: { onRequest: killOnRequest(box, isCreate, 5) },
  mayDuplicate: true,
  evidence: hasCreating,
}));
// (a kill on a poll request arriving: the expired-task test below)
scenario((box) => ({
  name: 'external: SIGKILL as the first raw-PCM result download is requested',
  sim: { onRequest: killOnRequest(box, (r) => r.route === 'GET /files/*' && r.path.endsWith('.pcm'), 1) },
  mayDuplicate: false,
  evidence: hasCreated,
}));
scenario({
  name: 'repeated: after-create:2, then polling:3, then mid-download:2, then lock-write:1, each on the previous wreck',
  sim: PACED,
  mayDuplicate: true,
  recoverWithCli: true,
  crash: async (c) => {
    const events: JsonLine[] = [];
    for (const fp of ['after-create:2', 'polling:3', 'mid-download:2', 'lock-write:1']) {
      events.push(...(await killedBuild(c, { KIEAUDIO_FAILPOINT: fp })).events);
    }
    return events;
  },
});

interface Recovered {
  /** the normal build's events */
  events: JsonLine[];
  /** the killed builds' events */
  crashEvents: JsonLine[];
  check: Awaited<ReturnType<typeof checkProject>>;
  run: Pick<TimedRun, 'pid' | 'ms'>;
  summary: JsonLine | undefined;
  creating: JournalFile[];
  created: JournalFile[];
  reported: string[];
  resumed: number;
  temps: string[];
  tasksBefore: number;
}

/**
 * A normal build after the kills: through the CLI, or in this process through the library. Held
 * assets (an unanswered create: maybe charged) make the CLI exit 1; `resend` is the user's word to
 * send them again.
 */
async function normalBuild(c: CrashContext, viaCli: boolean, resend = false): Promise<{ events: JsonLine[]; pid: number; ms: number }> {
  if (viaCli) {
    const run = await runKieaudio(c.onTestFinished, c.dir, ['build', '--json', ...(resend ? ['--resend-unanswered'] : [])], simEnv(c.sim));
    const held = Number(summaryOf(jsonLines(run.stdout))?.held ?? 0);
    c.expect(run.code, run.stderr).toBe(held > 0 ? 1 : 0);
    return { events: jsonLines(run.stdout), pid: run.pid, ms: run.ms };
  }
  const run: InProcessRun = await buildInProcess(c.dir, simEnv(c.sim), { resendUnanswered: resend });
  c.expect(run.error, 'the normal build threw').toBeUndefined();
  return run;
}

/** Kill (as the scenario says), then a normal build, then every check of the recovered project. */
async function crashThenRecover(c: CrashContext, s: Scenario): Promise<Recovered> {
  const { expect, dir, sim } = c;
  // 1. the build that dies
  const crashEvents = s.crash ? await s.crash(c) : (await killedBuild(c, s.failpoint ? { KIEAUDIO_FAILPOINT: s.failpoint } : {})).events;
  const afterKill = { journal: await journal(dir), files: await listFiles(dir) };
  await s.evidence?.(c, afterKill);
  const creating = afterKill.journal.filter((e) => e.state === 'creating');
  const created = afterKill.journal.filter((e) => e.state === 'created');
  const tasksBefore = sim.stats().tasksCreated;

  // 2. the build that recovers
  const run = await normalBuild(c, s.recoverWithCli === true);
  const events = run.events;
  expect(
    events.filter((e) => e.type === 'waiting-for-lock'),
    'the dead build’s lock is taken over at once',
  ).toEqual([]);
  const summary = summaryOf(events);
  expect(summary?.failed).toBe(0);
  // a create the killed build sent without recording an answer may have been charged: held, not resent
  const held = events.filter((e) => e.type === 'held').map((e) => e.out as string);
  // (an earlier killed build of the same wreck may have recorded some as unanswered already)
  const unanswered = afterKill.journal.filter((e) => e.state === 'creating' || e.state === 'unanswered');
  expect(held.sort(), 'the unanswered creates are held').toEqual(unanswered.map((e) => e.out).sort());
  // 2b. the user's word: send them again (the assets are finished either way below)
  const resent = held.length > 0 ? await normalBuild(c, s.recoverWithCli === true, true) : undefined;
  if (resent) expect(summaryOf(resent.events)).toMatchObject({ held: 0, failed: 0, generated: held.length });

  // every task the killed build journalled is polled again — or its result, already fetched,
  // is taken from the cache or was already recorded in the lock: never paid for again
  const actions = new Map(events.filter((e) => e.type === 'planned').map((e) => [e.out as string, e.action as string]));
  for (const e of created) expect(['resume', 'adopt', 'restore', 'up-to-date'], `${e.out} (journalled task)`).toContain(actions.get(e.out));
  const resumed = [...actions.values()].filter((a) => a === 'resume').length;

  const check = await checkProject(expect, dir, sim, FIXTURE);
  for (const e of created) expect(check.lock.assets[e.out]?.taskId, `${e.out} keeps its journalled task`).toBe(e.taskId);

  // 3. charges: a second charge only where a create went unanswered, and each such case reported
  const reportedNow = maybeChargedOuts(events);
  const reported = [...maybeChargedOuts(crashEvents), ...reportedNow]; // killed builds may have reported earlier wrecks
  expect(summary?.possibleDuplicateCharges, 'the summary counts the reports').toBe(reportedNow.length);
  expect(reportedNow.sort(), 'every unanswered create left by the killed build is reported').toEqual(creating.map((e) => e.out).sort());
  expect(check.extraCharges, 'extra charges ≤ reported possible duplicates').toBeLessThanOrEqual(reported.length);
  for (const out of check.chargedTwice) expect(reported, `${out} charged twice without a report`).toContain(out);
  if (!s.mayDuplicate) {
    // this moment cannot leave a create unanswered; only another worker's create, caught in
    // flight by the kill (and reported above), may have been paid twice
    const inFlightElsewhere = new Set(creating.map((e) => e.out));
    for (const a of FIXTURE) {
      if (!inFlightElsewhere.has(a.out)) expect(check.chargedTwice, `${a.out} charged exactly once`).not.toContain(a.out);
    }
  }

  // 4. what the recovered project keeps on disk
  expect.soft(await journal(dir), 'the journal is empty once every asset is built').toEqual([]);
  const temps = await tempFiles(dir);
  expect(
    temps.filter((f) => tempOwner(f) === run.pid),
    'temp files of the build that finished',
  ).toEqual([]);
  expect
    .soft(
      temps.filter((f) => f.startsWith('out/')),
      `temp files at the outs (killed build pid ${c.killed.join(', ')})`,
    )
    .toEqual([]);
  expect
    .soft(
      temps.filter((f) => !f.startsWith('out/')),
      `temp files in the project root and .kieaudio/ (killed build pid ${c.killed.join(', ')})`,
    )
    .toEqual([]);
  return { events, crashEvents, check, run, summary, creating, created, reported, resumed, temps, tasksBefore };
}

function describeRecovery(s: Scenario, sim: Simulator, r: Recovered): string {
  return (
    `[crash] ${(s.failpoint ?? 'external').padEnd(16)} | ${s.name} | assets=${FIXTURE.length} charges=${r.check.charges} ` +
    `(tasksCreated ${r.tasksBefore} by the killed build, ${sim.stats().tasksCreated} in all) extraCharges=${r.check.extraCharges} ` +
    `reportedPossibleDuplicates=${r.reported.length} unansweredCreatesAtKill=${r.creating.length} journalledTasksAtKill=${r.created.length} ` +
    `resumed=${r.resumed} leftoverTemps=${r.temps.length} recovery=${r.run.ms}ms${s.recoverWithCli ? ' (CLI)' : ' (in-process)'}`
  );
}

describe.concurrent('kill -9 at any moment, then a normal build', () => {
  for (const s of SCENARIOS) {
    it(s.name, async ({ expect, onTestFinished }) => {
      const dir = await makeFixtureProject(onTestFinished);
      const sim = await startSim(onTestFinished, { latencyMs: LATENCY, ...s.sim });
      const c: CrashContext = { expect, onTestFinished, dir, sim, child: s.box ?? { current: undefined }, killed: [] };
      console.log(describeRecovery(s, sim, await crashThenRecover(c, s)));
    });
  }
});

describe.concurrent('kill -9 mid-download with --offline (results go straight to out)', () => {
  it('leaves no temp file at out once the next build has run', async ({ expect, onTestFinished }) => {
    // The in-process simulator cannot be paced: on a very busy machine a whole result may come in
    // one read and the failpoint never fires. Then the build simply succeeds; try a fresh project.
    let dir = '';
    let attempts = 0;
    for (let killed = false; !killed; ) {
      expect(++attempts, 'a kill mid-download within 3 attempts').toBeLessThanOrEqual(3);
      dir = await makeFixtureProject(onTestFinished);
      const first = await runKieaudio(onTestFinished, dir, ['build', '--offline', '--json'], { KIEAUDIO_FAILPOINT: 'mid-download:1' });
      killed = first.signal === 'SIGKILL';
      if (!killed) expect(first.code, first.stderr).toBe(0);
    }
    const partial = await tempFiles(join(dir, 'out'));
    expect(partial.length, 'the killed build left a partial file at an out').toBeGreaterThan(0);

    const run = await buildInProcess(dir, {}, { offline: true });
    expect(run.error, 'the next build threw').toBeUndefined();
    expect(summaryOf(run.events)?.failed).toBe(0);
    expect(await readdir(join(dir, 'out', 'sfx'))).toEqual(expect.arrayContaining(['cave-ambience.wav']));
    expect.soft(await tempFiles(join(dir, 'out')), 'partial files at the outs after the next build').toEqual([]);
    console.log(
      `[crash] offline mid-download:1 (attempt ${attempts}) | partial files left by the kill: ${partial.join(', ')} | after the next build: ${(await tempFiles(join(dir, 'out'))).length}`,
    );
  });
});

describe.concurrent('kill -9 after a result was installed, before the lock said so', () => {
  it('the output is adopted and its journal entry goes: weeks later, a deleted output is restored from the cache, not paid again', async ({
    expect,
    onTestFinished,
  }) => {
    const DAY = 24 * 3600_000;
    const skew = { ms: 0 };
    const dir = await makeFixtureProject(onTestFinished);
    const sim = await startSim(onTestFinished, { latencyMs: LATENCY, clock: () => Date.now() + skew.ms, resultTtlMs: 14 * DAY });
    const c: CrashContext = { expect, onTestFinished, dir, sim, child: { current: undefined }, killed: [] };
    // the kill and the recovery, with every check the other moments get
    const s: Scenario = {
      name: 'after-install (1st output at out, lock not updated)',
      failpoint: 'after-install:1',
      mayDuplicate: false,
      evidence: installedNotLocked,
    };
    const recovered = await crashThenRecover(c, s);
    console.log(describeRecovery(s, sim, recovered));
    const adopted = recovered.events.filter((e) => e.type === 'adopted').map((e) => e.out as string);
    expect(adopted.length, 'the installed result is adopted').toBeGreaterThan(0);
    const left = await journal(dir);
    expect.soft(left, 'journal entries left after a successful build').toEqual([]);

    // kie keeps results 14 days; the cache keeps them for good (time moves on both sides)
    skew.ms += 15 * DAY;
    await ageJournal(dir, 15 * DAY);
    for (const out of adopted) await rm(join(dir, 'out', out));
    const tasks = sim.stats().tasksCreated;
    // bounded: polling a long-gone task first waits out a 60 s "not visible yet" grace
    const again = await buildInProcess(dir, simEnv(sim), { timeoutMs: 8_000 });
    const actions = again.events
      .filter((e) => e.type === 'planned' && adopted.includes(e.out as string))
      .map((e) => `${e.out}: ${e.action} (${e.reason})`);
    console.log(
      `[crash] after-install:1, +15 days | adopted=${adopted.join(', ')} journalEntriesLeft=${left.length} | next plan: ${actions.join('; ')} | ` +
        `${again.error === undefined ? 'ok' : String(again.error)} in ${again.ms}ms, new tasks: ${sim.stats().tasksCreated - tasks}`,
    );
    expect(
      actions.every((a) => a.includes(': restore (')),
      'restored from the cache',
    ).toBe(true);
    expect(again.error, 'the build within 8 s').toBeUndefined();
    expect(summaryOf(again.events)?.failed).toBe(0);
    expect(sim.stats().tasksCreated - tasks, 'tasks created to rebuild an output the cache holds').toBe(0);
  });
});

describe.concurrent('kill -9 while polling, next build after the task expired', () => {
  it('starts the task over promptly (W_TASK_GONE), and the new task still gets its "not visible yet" grace', async ({
    expect,
    onTestFinished,
  }) => {
    const DAY = 24 * 3600_000;
    const skew = { ms: 0 };
    const assets = FIXTURE.slice(0, 2);
    const dir = await makeFixtureProject(onTestFinished, { assets });
    const box: Box = { current: undefined };
    let killed = false;
    const sim = await startSim(onTestFinished, {
      latencyMs: LATENCY,
      clock: () => Date.now() + skew.ms,
      resultTtlMs: 14 * DAY,
      // the first poll is held until both tasks are journalled, then the build is killed: it
      // never learns that they finished
      onRequest: async (r) => {
        if (killed || !isPoll(r)) return;
        await waitUntil(async () => (await journal(dir)).filter((e) => e.state === 'created').length === 2, 'both tasks journalled');
        killed = true;
        await box.current?.kill();
      },
    });
    const c: CrashContext = { expect, onTestFinished, dir, sim, child: box, killed: [] };
    await killedBuild(c);
    const created = (await journal(dir)).filter((e) => e.state === 'created');
    expect(created.length).toBe(2);

    // 15 days later on both sides; and the API is slow to show the new task it will need
    skew.ms += 15 * DAY;
    await ageJournal(dir, 15 * DAY);
    sim.setFaults({ recordInvisibleMs: 300 });
    const run = await buildInProcess(dir, simEnv(sim), { timeoutMs: 8_000 });
    const gone = run.events.filter((e) => e.type === 'warning' && e.code === 'W_TASK_GONE');
    console.log(
      `[crash] killed while polling, +15 days | journalled tasks=${created.length} | recovery ${run.error === undefined ? 'ok' : String(run.error)} in ${run.ms}ms, W_TASK_GONE=${gone.length}, tasksCreated=${sim.stats().tasksCreated}`,
    );
    const failed = run.events.filter((e) => e.type === 'failed');
    expect(failed, 'failed assets').toEqual([]);
    expect(run.error, 'the build within 8 s').toBeUndefined();
    expect(gone.length).toBe(2);
    expect(run.ms, 'a task known to be weeks old is not "not visible yet"').toBeLessThan(6_000);
    expect(sim.stats().tasksCreated).toBe(4); // two expired, two new
    await checkProject(expect, dir, sim, assets);
  });
});
