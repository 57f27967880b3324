/**
 * Shared helpers for the reliability tests (GitHub issue #3): temp projects and simulators that
 * are cleaned up per test (safe with `it.concurrent`, unlike test/helpers/project.ts, whose
 * afterEach would close the simulators of tests still running), a ≥ 50-asset project mixing every
 * output container, and the checks every fault scenario shares: byte-exact outputs, no temp
 * files, and billing against what the build reported. The CLI runner is test/helpers/cli.ts.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { wavHeader } from '../../src/audio/wav.js';
import type { BuildResult } from '../../src/build/build.js';
import type { BuildEvent } from '../../src/events.js';
import type { ResolvedAsset } from '../../src/project.js';
import type { Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { specHash } from '../../src/spec/hash.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { isTempFile, listFiles, writeFiles } from '../helpers/files.js';
import { chargeKey, startSim } from '../helpers/sim.js';
import { createTempDir, type OnFinished } from '../helpers/temp-dir.js';

/** Temp dirs and simulators that live exactly as long as the test that made them. */
export function resources(onTestFinished: OnFinished) {
  return {
    dir(prefix = 'kieaudio-rel-'): Promise<string> {
      return createTempDir(onTestFinished, prefix);
    },
    sim(options: SimulatorOptions = {}): Promise<Simulator> {
      return startSim(onTestFinished, options);
    },
    async project(files: Record<string, string>): Promise<string> {
      const dir = await this.dir();
      await writeFiles(dir, files);
      return dir;
    },
  };
}

/**
 * The API settings of every reliability project: limits far above what the simulator enforces
 * (unless a test turns the simulator's on) and polling scaled to its millisecond tasks.
 */
export function fastApi(opts: { rateLimit?: string; pollRateLimit?: string; retry?: string; requestTimeoutSeconds?: number } = {}): string {
  return `api:
${opts.requestTimeoutSeconds === undefined ? '' : `  requestTimeoutSeconds: ${opts.requestTimeoutSeconds}\n`}
  rateLimit: ${opts.rateLimit ?? '{ requests: 1000, intervalSeconds: 1 }'}
  pollRateLimit: ${opts.pollRateLimit ?? '{ requests: 2000, intervalSeconds: 1 }'}
  poll: { initialSeconds: 0.005, maxSeconds: 0.02, timeoutSeconds: 30 }
${opts.retry === undefined ? '' : `  retry: ${opts.retry}\n`}`;
}

/**
 * Retry backoff scaled like the polling above: the same number of attempts as the default (5), so
 * a fault is given up on exactly when it would be with the defaults, but the waits between them
 * are milliseconds instead of seconds (the default 0.5 s doubling makes a download that keeps
 * failing take ~8 s of sleeping).
 */
export const FAST_RETRY = '{ attempts: 5, initialSeconds: 0.01, maxSeconds: 0.1 }';

export function config(opts: { concurrency?: number; api?: string } = {}): string {
  return `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
concurrency: ${opts.concurrency ?? 64}
${opts.api ?? fastApi()}defaults:
  voice: { voice: Rachel }
  effect: { duration_seconds: 0.5 }
`;
}

/** Every container and raw encoding the effect model can return, with the extension it needs. */
const EFFECT_FORMATS: ReadonlyArray<[format: string, ext: string]> = [
  ['mp3_44100_128', 'mp3'],
  ['mp3_22050_32', 'mp3'],
  ['pcm_16000', 'wav'],
  ['pcm_8000', 'wav'],
  ['pcm_24000', 'wav'],
  ['ulaw_8000', 'wav'],
  ['alaw_8000', 'wav'],
  ['opus_48000_64', 'ogg'],
  ['opus_48000_32', 'opus'],
];
const VOICES = ['Rachel', 'George', 'Callum', 'Aria', 'Liam', 'Lily'];

/**
 * A spec file of `count` assets, half voice lines (MP3) and half effects cycling through every
 * format above. Each asset has its own text, so each is its own spec (its own charge in the
 * simulator's `chargesBySpec`).
 */
export function mixedSpec(count: number, tag = 'x'): string {
  const lines = ['assets:'];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      lines.push(
        `  - id: ${tag}.voice.${i}`,
        '    kind: voice',
        `    voice: ${VOICES[i % VOICES.length]}`,
        `    text: "Line ${i} of run ${tag}: hold the gate."`,
        `    out: voice/${tag}-${i}.mp3`,
      );
    } else {
      const [format, ext] = EFFECT_FORMATS[Math.floor(i / 2) % EFFECT_FORMATS.length] ?? ['mp3_44100_128', 'mp3'];
      lines.push(
        `  - id: ${tag}.fx.${i}`,
        '    kind: effect',
        `    text: "Effect ${i} of run ${tag}: a short metallic clank"`,
        `    output_format: ${format}`,
        `    out: sfx/${tag}-${i}.${ext}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Path → sha256 of every file under `dir` (symlinks by their target text): a snapshot to compare. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const path of await listFiles(dir)) {
    const full = join(dir, path);
    const st = await lstat(full);
    snapshot[path] = st.isSymbolicLink()
      ? 'symlink'
      : createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
  }
  return snapshot;
}

interface LockFileShape {
  assets: Record<string, { taskId?: string; contentHash: string; size: number }>;
}

/** The parsed file, or undefined when there is none (a build that finished nothing writes no lock). */
async function readJson(path: string): Promise<LockFileShape | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as LockFileShape;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** What kieaudio must have written for a task: the served bytes, behind a WAV header for raw formats. */
export function expectedOutput(sim: Simulator, taskId: string, asset: ResolvedAsset): Buffer | undefined {
  const raw = sim.task(taskId)?.result;
  if (raw === undefined) return undefined;
  return asset.format.container === 'wav' ? Buffer.concat([wavHeader(asset.format, raw.length), raw]) : raw;
}

/** Create requests the build itself said may have been charged without an answer, for one asset. */
export function reportedDuplicates(events: readonly BuildEvent[], out: string): number {
  let n = 0;
  for (const e of events) {
    if (e.type === 'retry' && e.operation === 'create' && e.out === out && /may have been created/.test(e.message)) n++;
    if (e.type === 'failed' && e.out === out && e.maybeCharged === true) n++;
  }
  return n;
}

export interface Figures {
  assets: number;
  generated: number;
  failures: number;
  retries: { create: number; poll: number; download: number };
  /** summary.possibleDuplicateCharges */
  reportedDuplicates: number;
  /** charges beyond one per spec, as the simulator counted them */
  extraCharges: number;
  /** failed assets whose spec was nevertheless charged (a task that may have succeeded unseen, or a lost download) */
  paidUnbuilt: number;
  tasksCreated: number;
  failureCodes: Record<string, number>;
}

/**
 * The checks every fault scenario shares (issue #3, test 1). For each asset: either it was built
 * and its file is byte for byte what the simulator served (plus the WAV header kieaudio adds) and
 * a valid file of its container, or it failed clearly (stable code, a message, no file at `out`,
 * no lock entry). No temp or partial file anywhere in the project. Billing: no spec was charged
 * more than once plus the duplicates the build reported for it.
 */
export async function verifyBuild(
  expect: ExpectStatic,
  args: {
    dir: string;
    sim: Simulator;
    result: BuildResult;
    /** this build's events */
    events: readonly BuildEvent[];
    /** events of earlier builds of the same project against the same simulator (billing is cumulative) */
    earlierEvents?: readonly BuildEvent[];
  },
): Promise<Figures> {
  const { dir, sim, result } = args;
  const events = args.events;
  const allEvents = [...(args.earlierEvents ?? []), ...events];
  const { project, summary, failures } = result;
  const assets = project.assets;
  const lock = (await readJson(join(dir, 'kieaudio.lock'))) ?? { assets: {} };
  const stats = sim.stats();

  expect(new Set(failures.map((f) => f.out)).size, 'one failure per asset at most').toBe(failures.length);
  const finished = summary.generated + summary.resumed + summary.recovered;
  expect(
    finished + summary.failed + summary.notStarted + summary.upToDate + summary.restored + summary.held,
    'every asset accounted for',
  ).toBe(assets.length);
  expect(failures.length).toBe(summary.failed + summary.notStarted);

  // what this build paid for: the tasks of the assets it built, and of those it failed to install
  let creditsSpent = 0;
  for (const failure of failures) {
    if (failure.taskId !== undefined && events.some((e) => e.type === 'failed' && e.out === failure.out)) {
      creditsSpent += sim.task(failure.taskId)?.credits ?? 0;
    }
  }
  let extraCharges = 0;
  let paidUnbuilt = 0;
  const held = new Set(events.flatMap((e) => (e.type === 'held' ? [e.out] : [])));
  for (const asset of assets) {
    const path = join(project.config.outDir, asset.out);
    const failure = failures.find((f) => f.out === asset.out);
    const charged = stats.chargesBySpec[chargeKey(asset.model, asset.input)] ?? 0;
    const allowed = 1 + reportedDuplicates(allEvents, asset.out);
    expect(charged, `${asset.out}: charged ${charged} times, build reported ${allowed - 1} possible duplicates`).toBeLessThanOrEqual(
      allowed,
    );

    if (held.has(asset.out)) {
      expect(await exists(path), `${asset.out} is held but a file is at out`).toBe(false);
      extraCharges += Math.max(0, charged - 1);
      continue;
    }
    if (failure) {
      expect(failure.code, `${asset.out}: failure code`).toMatch(/^E_[A-Z_]+$/);
      expect(failure.message.length, `${asset.out}: failure message`).toBeGreaterThan(10);
      expect(await exists(path), `${asset.out} failed (${failure.code}) but a file is at out`).toBe(false);
      expect(lock.assets[asset.out], `${asset.out} failed but is in the lock`).toBeUndefined();
      extraCharges += Math.max(0, charged - 1);
      if (charged > 0) paidUnbuilt++;
      continue;
    }
    const entry = lock.assets[asset.out];
    expect(entry?.taskId, `${asset.out}: lock entry with a task id`).toBeTypeOf('string');
    const taskId = entry?.taskId ?? '';
    const task = sim.task(taskId);
    expect(task?.outcome, `${asset.out}: its task succeeded`).toBe('success');
    const want = expectedOutput(sim, taskId, asset);
    const bytes = await readFile(path);
    expect(want !== undefined && bytes.equals(want), `${asset.out}: bytes at out differ from what task ${taskId} served`).toBe(true);
    expect(createHash('sha256').update(bytes).digest('hex'), `${asset.out}: lock contentHash`).toBe(entry?.contentHash);
    const info = inspectAudio(bytes); // throws with a description on a damaged file
    expect(info.container, asset.out).toBe(asset.format.container);
    expect(
      allEvents.some((e) => e.type === 'generated' && e.out === asset.out && e.taskId === taskId),
      `${asset.out}: a generated event for task ${taskId}`,
    ).toBe(true);
    // a task is counted once, by the build that saw it finish: a build that resumes it after its
    // download failed (counted then) does not count it again
    const countedEarlier = (args.earlierEvents ?? []).some(
      (e) => e.type === 'failed' && e.taskId === taskId && sim.task(taskId)?.outcome === 'success',
    );
    // a task recovered through the lock was paid for and counted long ago
    const installedHere = events.some((e) => e.type === 'generated' && e.out === asset.out && e.origin !== 'recovered');
    if (!countedEarlier && installedHere) creditsSpent += task?.credits ?? 0;
    extraCharges += Math.max(0, charged - 1);
  }
  expect(summary.creditsUsed, 'credits used = what the tasks of this build cost').toBe(creditsSpent);
  if (args.earlierEvents === undefined) {
    expect(extraCharges, 'charges beyond one per spec are all reported').toBeLessThanOrEqual(summary.possibleDuplicateCharges);
  }

  // nothing was charged for anything but the declared specs
  const declared = new Set(assets.map((a) => chargeKey(a.model, a.input)));
  expect(Object.keys(stats.chargesBySpec).filter((k) => !declared.has(k))).toEqual([]);

  // no temp or partial file anywhere: outputs, cache, journal, lock
  const files = await listFiles(dir);
  expect(files.filter(isTempFile), 'temp files left behind').toEqual([]);
  // the journal keeps only tasks of failed assets that can be resumed (still running, or paid
  // for with the result not downloaded yet), each under the task id the failure names, and the
  // create requests that got no answer (failed as maybe charged, or held from an earlier build)
  for (const file of files.filter((f) => f.startsWith('.kieaudio/journal/'))) {
    const entry = JSON.parse(await readFile(join(dir, file), 'utf8')) as { specHash: string; state: string; taskId?: string };
    const asset = assets.find((a) => specHash(a.model, a.input) === entry.specHash);
    const failure = failures.find((f) => f.out === asset?.out);
    if (asset !== undefined && held.has(asset.out)) {
      expect(entry, `journal entry ${file} of held ${asset.out}`).toMatchObject({ state: 'unanswered' });
      continue;
    }
    expect(failure, `journal entry ${file} for ${asset?.out ?? 'no declared asset'}, which did not fail`).toBeDefined();
    if (failure?.maybeCharged) expect(entry, `journal entry ${file}`).toMatchObject({ state: 'unanswered' });
    else expect(entry, `journal entry ${file}`).toMatchObject({ state: 'created', taskId: failure?.taskId });
  }
  // no stray file in outDir: exactly the built outputs
  const outFiles = files.filter((f) => f.startsWith('out/')).map((f) => f.slice(4));
  expect(outFiles).toEqual(
    assets
      .filter((a) => !failures.some((f) => f.out === a.out) && !held.has(a.out))
      .map((a) => a.out)
      .sort(),
  );

  const retries = { create: 0, poll: 0, download: 0 };
  for (const e of events) if (e.type === 'retry') retries[e.operation]++;
  const failureCodes: Record<string, number> = {};
  for (const f of failures) failureCodes[f.code] = (failureCodes[f.code] ?? 0) + 1;
  return {
    assets: assets.length,
    generated: summary.generated,
    failures: failures.length,
    retries,
    reportedDuplicates: summary.possibleDuplicateCharges,
    extraCharges,
    paidUnbuilt,
    tasksCreated: stats.tasksCreated,
    failureCodes,
  };
}

export function describeFigures(name: string, f: Figures, ms: number): string {
  const codes = Object.entries(f.failureCodes)
    .map(([c, n]) => `${c}×${n}`)
    .join(' ');
  return (
    `[reliability] ${name}: assets=${f.assets} generated=${f.generated} failures=${f.failures}${codes ? ` (${codes})` : ''} ` +
    `retries=create:${f.retries.create}/poll:${f.retries.poll}/download:${f.retries.download} ` +
    `duplicates reported=${f.reportedDuplicates} extra charges=${f.extraCharges} paid-but-failed=${f.paidUnbuilt} tasks=${f.tasksCreated} ${(ms / 1000).toFixed(1)}s`
  );
}
