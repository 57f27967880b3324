/**
 * Shared by the crash, interrupt and concurrency tests: a ten-asset fixture project, a build run in
 * this process for the runs that are not killed (the killed ones are real processes, run with
 * test/helpers/cli.ts), waits on observable conditions with deadlines instead of sleeps, and the
 * checks every recovered project must pass.
 *
 * Cleanup is per test (`onTestFinished` from the test context), so tests may run concurrently.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { describeOutputFormat } from '../../src/audio/format.js';
import { needsWavHeader, wavHeader } from '../../src/audio/wav.js';
import { build } from '../../src/build/build.js';
import type { Simulator } from '../../src/sim/index.js';
import { type LockFile, parseLockFile, serializeLockFile } from '../../src/store/lock-file.js';
import { sha256Hex } from '../../src/store/sha256.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import type { JsonLine } from '../helpers/cli.js';
import { tempFiles, writeFiles } from '../helpers/files.js';
import { chargeKey } from '../helpers/sim.js';
import { createTempDir, type OnFinished } from '../helpers/temp-dir.js';

// ───────────────────────── fixture ─────────────────────────

export interface FixtureAsset {
  id: string;
  kind: 'voice' | 'effect';
  out: string;
  /** YAML lines beyond id/kind/out, already indented for an asset */
  fields: Record<string, string | number>;
}

/**
 * Ten assets: voices (MP3) and effects in every container, among them a 12 s pcm_44100 effect
 * (~1 MB of raw samples, wrapped in a WAV header by kieaudio) so that a download really is
 * received in many chunks.
 */
export const FIXTURE: FixtureAsset[] = [
  { id: 'npc.greet', kind: 'voice', out: 'npc/greet.mp3', fields: { text: 'Welcome, traveler! Need a blade sharpened?' } },
  { id: 'npc.bye', kind: 'voice', out: 'npc/bye.mp3', fields: { text: 'Safe roads, friend.' } },
  { id: 'npc.warn', kind: 'voice', out: 'npc/warn.mp3', fields: { text: 'The mine is not safe after dark.', voice: 'George' } },
  { id: 'npc.laugh', kind: 'voice', out: 'npc/laugh.mp3', fields: { text: 'Ha! That old tale again?', stability: 0.3 } },
  { id: 'sfx.hammer', kind: 'effect', out: 'sfx/hammer.mp3', fields: { text: 'Hammer striking an anvil', duration_seconds: 1.5 } },
  {
    id: 'sfx.coin',
    kind: 'effect',
    out: 'sfx/coin.ogg',
    fields: { text: 'A coin dropped on stone', duration_seconds: 1, output_format: 'opus_48000_64' },
  },
  {
    id: 'sfx.ambience',
    kind: 'effect',
    out: 'sfx/cave-ambience.wav',
    fields: { text: 'Cave ambience, distant water drops', duration_seconds: 12, output_format: 'pcm_44100' },
  },
  {
    id: 'sfx.radio',
    kind: 'effect',
    out: 'sfx/radio.wav',
    fields: { text: 'Radio static burst', duration_seconds: 2, output_format: 'ulaw_8000' },
  },
  {
    id: 'sfx.door',
    kind: 'effect',
    out: 'sfx/door.wav',
    fields: { text: 'Heavy wooden door creaks open', duration_seconds: 3, output_format: 'pcm_16000' },
  },
  {
    id: 'sfx.step',
    kind: 'effect',
    out: 'sfx/step.mp3',
    fields: { text: 'Footstep on gravel', duration_seconds: 0.8, output_format: 'mp3_22050_32' },
  },
];

/** Polling tuned for a simulator whose tasks take tens of milliseconds. */
export function configYaml(opts: { concurrency?: number; outDir?: string } = {}): string {
  return `version: 1
include: ["audio/*.audio.yaml"]
outDir: ${opts.outDir ?? 'out'}
concurrency: ${opts.concurrency ?? 4}
api:
  rateLimit: { requests: 1000, intervalSeconds: 1 }
  poll: { initialSeconds: 0.005, maxSeconds: 0.02, timeoutSeconds: 30 }
defaults:
  voice: { voice: Rachel }
`;
}

export function specYaml(assets: readonly FixtureAsset[]): string {
  const lines = ['assets:'];
  for (const a of assets) {
    lines.push(`  - id: ${a.id}`, `    kind: ${a.kind}`, `    out: ${a.out}`);
    for (const [k, v] of Object.entries(a.fields)) lines.push(`    ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function makeFixtureProject(
  onFinished: OnFinished,
  opts: { assets?: readonly FixtureAsset[]; concurrency?: number; outDir?: string } = {},
): Promise<string> {
  const dir = await createTempDir(onFinished, 'kieaudio-rel-');
  await writeFiles(dir, {
    'kieaudio.config.yaml': configYaml(opts),
    'audio/game.audio.yaml': specYaml(opts.assets ?? FIXTURE),
  });
  return dir;
}

// ───────────────────────── a build in this process ─────────────────────────

export interface InProcessRun {
  /** every event, as `--json` would print it (JSON round trip) */
  events: JsonLine[];
  /** what build() threw, if it did (the CLI would exit non-zero) */
  error: unknown;
  /** this process: temp files a build makes carry the pid of the process that runs it */
  pid: number;
  ms: number;
}

/**
 * A normal build run in this process through the library (what `kieaudio build --json` runs,
 * without the cost of a process), bounded: aborted after `timeoutMs`. For the builds that are
 * not killed: there the CLI adds nothing but its exit code (0 exactly when `error` is undefined
 * and the summary has no failure).
 */
export async function buildInProcess(
  cwd: string,
  env: Record<string, string>,
  opts: { offline?: boolean; timeoutMs?: number; resendUnanswered?: boolean; wait?: boolean } = {},
): Promise<InProcessRun> {
  const started = Date.now();
  const events: JsonLine[] = [];
  let error: unknown;
  try {
    await build({
      cwd,
      env,
      offline: opts.offline === true,
      resendUnanswered: opts.resendUnanswered === true,
      ...(opts.wait === undefined ? {} : { wait: opts.wait }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
      onEvent: (e) => events.push(JSON.parse(JSON.stringify(e)) as JsonLine),
    });
  } catch (e) {
    error = e;
  }
  return { events, error, pid: process.pid, ms: Date.now() - started };
}

// ───────────────────────── conditions ─────────────────────────

/** Polls `condition` until it holds; fails with `what` at the deadline. No fixed sleeps. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  opts: { timeoutMs?: number; stepMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.stepMs ?? 3));
  }
}

// ───────────────────────── reading the project ─────────────────────────

/**
 * True while a result download of at least `minBytes` is part-way into the cache (a temp data
 * file that big: the short-lived temp files of cache records and small results never are).
 */
export async function partialDownload(projectDir: string, minBytes = 256 * 1024): Promise<boolean> {
  const cache = join(projectDir, '.kieaudio', 'cache');
  for (const f of await tempFiles(cache)) {
    if (((await stat(join(cache, f)).catch(() => undefined))?.size ?? 0) >= minBytes) return true;
  }
  return false;
}

/** The pid a temp name was made by (`.<name>.<pid>.<token>.kieaudio-tmp`). */
export function tempOwner(path: string): number | undefined {
  const m = /\.(\d+)\.[0-9a-z]+\.kieaudio-tmp$/.exec(path);
  return m?.[1] ? Number(m[1]) : undefined;
}

export interface JournalFile {
  specHash: string;
  state: 'creating' | 'created' | 'unanswered';
  taskId?: string;
  out: string;
}

export async function journal(projectDir: string): Promise<JournalFile[]> {
  const dir = join(projectDir, '.kieaudio', 'journal');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const entries: JournalFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      entries.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as JournalFile);
    } catch {
      // a half-written entry cannot exist (they are renamed in), but a reader must not trip on one
    }
  }
  return entries;
}

/** Makes every journal entry `ms` older, as if the next build came that much later. */
export async function ageJournal(projectDir: string, ms: number): Promise<void> {
  const dir = join(projectDir, '.kieaudio', 'journal');
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json'))) {
    const entry = JSON.parse(await readFile(join(dir, name), 'utf8')) as { createdAt: string };
    entry.createdAt = new Date(Date.parse(entry.createdAt) - ms).toISOString();
    await writeFile(join(dir, name), `${JSON.stringify(entry)}\n`);
  }
}

export async function readLock(projectDir: string): Promise<{ text: string; lock: LockFile }> {
  const text = await readFile(join(projectDir, 'kieaudio.lock'), 'utf8');
  JSON.parse(text); // valid JSON first, with its own error
  return { text, lock: parseLockFile(text, 'kieaudio.lock') };
}

// ───────────────────────── the recovered-project check ─────────────────────────

export interface ProjectCheck {
  /** extra charges over one per spec, summed */
  extraCharges: number;
  /** specs charged more than once, by out */
  chargedTwice: string[];
  charges: number;
  lock: LockFile;
}

/**
 * Everything a finished build must guarantee, however often it was killed before: every declared
 * asset is in the lock (valid, canonical JSON), its file at `out` is valid audio and is exactly
 * what the simulator served for the task the lock names (raw samples + kieaudio's WAV header),
 * and each spec was charged at least once. (Temp files are checked by the callers.)
 */
export async function checkProject(
  expect: ExpectStatic,
  projectDir: string,
  sim: Simulator,
  assets: readonly FixtureAsset[],
  outDir = 'out',
): Promise<ProjectCheck> {
  const { text, lock } = await readLock(projectDir);
  expect(text, 'kieaudio.lock is canonical').toBe(serializeLockFile(lock));
  expect(Object.keys(lock.assets).sort()).toEqual(assets.map((a) => a.out).sort());

  const stats = sim.stats();
  let extraCharges = 0;
  let charges = 0;
  const chargedTwice: string[] = [];
  for (const asset of assets) {
    const entry = lock.assets[asset.out];
    expect(entry, `lock entry for ${asset.out}`).toBeDefined();
    if (!entry) continue;
    expect(entry.placeholder).toBeUndefined();
    expect(entry.taskId, `task id recorded for ${asset.out}`).toBeTruthy();
    const task = sim.task(entry.taskId ?? '');
    expect(task, `the simulator knows task ${entry.taskId} (${asset.out})`).toBeDefined();
    const bytes = await readFile(join(projectDir, outDir, asset.out));
    expect(() => inspectAudio(bytes), `${asset.out} is valid audio`).not.toThrow();
    if (task?.result) {
      const expected = needsWavHeader(task.format) ? Buffer.concat([wavHeader(task.format, task.result.length), task.result]) : task.result;
      expect(bytes.equals(expected), `${asset.out} holds exactly what the simulator served for task ${entry.taskId}`).toBe(true);
      expect(task.model).toBe(entry.model);
    }
    expect(sha256Hex(bytes)).toBe(entry.contentHash);
    expect(bytes.length).toBe(entry.size);
    if (asset.kind === 'effect' && typeof asset.fields.output_format === 'string') {
      expect(task?.format.name).toBe(describeOutputFormat(asset.fields.output_format).name);
    }
    const n = stats.chargesBySpec[chargeKey(entry.model, entry.input)] ?? 0;
    expect(n, `${asset.out} was charged`).toBeGreaterThanOrEqual(1);
    charges += n;
    if (n > 1) {
      extraCharges += n - 1;
      chargedTwice.push(asset.out);
    }
  }
  // nothing was charged for a spec the project does not declare
  expect(Object.values(stats.chargesBySpec).reduce((a, b) => a + b, 0)).toBe(charges);
  return { extraCharges, chargedTwice, charges, lock };
}

/** The out paths named by W_MAYBE_CHARGED warnings in JSON events. */
export function maybeChargedOuts(events: readonly JsonLine[]): string[] {
  return events
    .filter((e) => e.type === 'warning' && e.code === 'W_MAYBE_CHARGED')
    .map((e) => /create request for (.+?) at /.exec(String(e.message))?.[1] ?? '?');
}

export function summaryOf(events: readonly JsonLine[]): JsonLine | undefined {
  return events.filter((e) => e.type === 'summary').at(-1);
}
