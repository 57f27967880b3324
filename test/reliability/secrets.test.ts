/**
 * Issue #3, test 4: the API key never leaves the environment. A distinctive key is passed through
 * KIE_API_KEY and through a .env file.
 *
 * - In-process, through the library's `build()` (what `kieaudio build` runs): a build under every
 *   fault, key from either source (alternately; both under all faults mixed), with every event JSON-serialized as `--json` would print it, the
 *   result and any error (with its cause chain) serialized too; then credits, status and plan on
 *   the project built under all faults mixed.
 * - Through the built CLI, for what is really printed: one build per class of error an asset can
 *   fail with (each fault forced, so the class surely occurs), alternately `--verbose` and
 *   `--json --verbose` and from either key source; a build under all faults mixed; credits,
 *   status and plan; a 401 (build and credits) with another distinctive (wrong) key; a validation error; and
 *   an interrupted build that leaves journal entries behind.
 *
 * Everything printed and every file written under the project (lock, .kieaudio/ journal, cache and
 * stat index, outputs) is read back: the key appears nowhere except in the .env file the user
 * wrote. (The simulator does not echo keys.)
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, type ExpectStatic, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { credits } from '../../src/commands/credits.js';
import { plan } from '../../src/commands/plan.js';
import { status } from '../../src/commands/status.js';
import type { Faults, Simulator } from '../../src/sim/index.js';
import { jsonLines, kieaudio, type Run } from '../helpers/cli.js';
import { listFiles } from '../helpers/files.js';
import { BIN } from '../helpers/repo.js';
import { config, FAST_RETRY, fastApi, mixedSpec, resources } from './helpers.js';

const KEY = 'kie-TEST-7f3a9c2e5b1d4a6f8e0c';
const WRONG_KEY = 'kie-TEST-WRONG-4d2b9e7a1c3f5a8b';
/** Fragments that would betray a truncated or partly redacted key. */
const NEEDLES = [KEY, WRONG_KEY, '7f3a9c2e5b1d', '4d2b9e7a1c3f'];

/** Retry backoff in milliseconds (same attempts as the defaults): faults that are retried end fast. */
const CONFIG = config({ concurrency: 8, api: fastApi({ retry: FAST_RETRY }) });

const ALL_MIXED: Partial<Faults> = {
  http500: 0.1,
  connectionReset: 0.05,
  lostCreateResponse: 0.05,
  slowMs: 5,
  invalidJson: 0.05,
  truncatedDownload: 0.15,
  download404: 0.15,
  resultUrlForbidden: 0.3,
  taskFail: 0.15,
  burst429: 0.15,
  errorsAsBodyCode: false,
  recordInvisibleMs: 20,
};

const FAULTS: Array<[string, Partial<Faults>]> = [
  ['http500', { http500: 0.3 }],
  ['connectionReset', { connectionReset: 0.2 }],
  ['lostCreateResponse', { lostCreateResponse: 0.3 }],
  ['slowMs', { slowMs: 30 }],
  ['invalidJson', { invalidJson: 0.2 }],
  ['truncatedDownload', { truncatedDownload: 0.4 }],
  ['download404', { download404: 0.4 }],
  ['resultUrlForbidden', { resultUrlForbidden: 0.6 }],
  ['taskFail', { taskFail: 0.4 }],
  ['burst429', { burst429: 0.4 }],
  ['errorsAsBodyCode false', { errorsAsBodyCode: false, recordInvisibleMs: 30 }],
  ['recordInvisibleMs', { recordInvisibleMs: 40 }],
  ['all mixed', ALL_MIXED],
];

/**
 * Each class of error an asset can fail with, forced (probability 1) so that the CLI surely
 * prints it, with the failure code the build reports for it.
 */
const CLI_ERROR_CLASSES: Array<{ name: string; faults: Partial<Faults>; code: string }> = [
  { name: 'HTTP 500 on every call, retries exhausted', faults: { http500: 1 }, code: 'E_API_UNAVAILABLE' },
  { name: 'create answer lost (maybe charged)', faults: { lostCreateResponse: 1, errorsAsBodyCode: false }, code: 'E_NETWORK' },
  { name: 'invalid JSON bodies', faults: { invalidJson: 1 }, code: 'E_API_PROTOCOL' },
  { name: 'every task fails upstream', faults: { taskFail: 1 }, code: 'E_TASK_FAILED' },
  { name: 'every download cut short (paid, not installed)', faults: { truncatedDownload: 1 }, code: 'E_DOWNLOAD' },
];

type Printed = Pick<Run, 'stdout' | 'stderr'> & { what: string };

/** Every needle absent from every file under `dir` (the user's own .env excepted) and from `printed`. */
async function expectNoKey(expect: ExpectStatic, dir: string, printed: Printed[]): Promise<number> {
  for (const run of printed) {
    for (const needle of NEEDLES) {
      expect(run.stdout.includes(needle), `${run.what}: stdout shows the key`).toBe(false);
      expect(run.stderr.includes(needle), `${run.what}: stderr shows the key`).toBe(false);
    }
  }
  const files = (await listFiles(dir)).filter((f) => f !== '.env');
  for (const file of files) {
    const bytes = await readFile(join(dir, file));
    for (const needle of NEEDLES) {
      expect(bytes.includes(needle), `${file} contains the key`).toBe(false);
      expect(bytes.includes(Buffer.from(needle, 'utf16le')), `${file} contains the key (UTF-16)`).toBe(false);
      expect(bytes.includes(Buffer.from(needle).toString('base64')), `${file} contains the key (base64)`).toBe(false);
    }
  }
  return files.length;
}

type Via = 'env' | 'dotenv';

/** A project whose key comes from the environment or from a .env file beside the config. */
async function keyedProject(
  r: ReturnType<typeof resources>,
  sim: Simulator,
  tag: string,
  via: Via,
  opts: { key?: string; assets?: number; spec?: string } = {},
) {
  const key = opts.key ?? KEY;
  const dir = await r.project({
    'kieaudio.config.yaml': CONFIG,
    'audio/main.audio.yaml': opts.spec ?? mixedSpec(opts.assets ?? 4, tag),
    ...(via === 'dotenv' ? { '.env': `# local secrets\nKIE_API_KEY=${key}\n` } : {}),
  });
  const env: Record<string, string> = { KIE_API_BASE_URL: sim.url, ...(via === 'env' ? { KIE_API_KEY: key } : {}) };
  return { dir, env };
}

/** What the library hands back, as text: JSON (what --json prints) and inspect() with causes. */
function serialize(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause } : v))}\n${inspect(value, { depth: Infinity })}`;
}

/** A library call's outcome, value or error, serialized. */
async function settle(what: string, call: () => Promise<unknown>): Promise<Printed> {
  try {
    return { what, stdout: serialize(await call()), stderr: '' };
  } catch (error) {
    return { what, stdout: '', stderr: serialize(error) };
  }
}

describe.concurrent('the API key is never written, nor handed back by the library', () => {
  it('builds under every fault, key from the environment or from .env; then credits, status, plan', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const checked = await Promise.all(
      FAULTS.map(async ([name, faults], i) => {
        const sim = await r.sim({ apiKeys: [KEY], seed: 500 + i, faults });
        const perBuild = await Promise.all(
          // one key source per fault, alternately (the key flows the same way from either), both under all faults mixed
          (name === 'all mixed' ? (['env', 'dotenv'] as const) : ([i % 2 === 0 ? 'env' : 'dotenv'] as const)).map(async (via: Via, j) => {
            const { dir, env } = await keyedProject(r, sim, `k${i}${j}`, via);
            const events: string[] = [];
            const printed: Printed[] = [];
            const result = await settle(`${name}: build() (key via ${via})`, () =>
              build({ cwd: dir, env, onEvent: (e) => events.push(JSON.stringify(e)) }),
            );
            expect(result.stderr, `${name}: build() threw`).toBe('');
            printed.push(result, { what: `${name}: events (key via ${via})`, stdout: events.join('\n'), stderr: '' });
            if (name === 'all mixed') {
              // credits is one call, retried; status and plan read what the faults left on disk
              printed.push(await settle(`${name}: credits() (key via ${via})`, () => credits({ cwd: dir, env })));
              printed.push(await settle(`${name}: status() (key via ${via})`, () => status({ cwd: dir, env })));
              printed.push(await settle(`${name}: plan() (key via ${via})`, () => plan({ cwd: dir, env })));
            }
            return { files: await expectNoKey(expect, dir, printed), events: events.length };
          }),
        );
        // the key did reach the API: work was done under this key
        expect(sim.stats().tasksCreated).toBeGreaterThan(0);
        return perBuild;
      }),
    );
    const all = checked.flat();
    const files = all.reduce((a, b) => a + b.files, 0);
    const events = all.reduce((a, b) => a + b.events, 0);
    console.log(
      `[reliability] secrets, in-process: ${FAULTS.length} fault settings, key from the environment and from .env, ${all.length} builds, ${events} events serialized, ${files} files read back: key found nowhere`,
    );
  });

  it('a refused key (401) is not in the error build() throws, nor in its cause', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    await Promise.all(
      (
        [
          ['env', true],
          ['dotenv', false],
        ] as const
      ).map(async ([via, errorsAsBodyCode]) => {
        const sim = await r.sim({ apiKeys: [KEY], faults: { errorsAsBodyCode } });
        const { dir, env } = await keyedProject(r, sim, `lw${via}`, via, { key: WRONG_KEY });
        const events: string[] = [];
        const thrown = await settle(`401 build() (key via ${via})`, () =>
          build({ cwd: dir, env, onEvent: (e) => events.push(JSON.stringify(e)) }),
        );
        expect(thrown.stderr, 'build() fails on a refused key').toMatch(/E_API_AUTH/);
        const credit = await settle(`401 credits() (key via ${via})`, () => credits({ cwd: dir, env }));
        expect(credit.stderr).toMatch(/E_API_AUTH/);
        expect(sim.stats().tasksCreated).toBe(0);
        await expectNoKey(expect, dir, [thrown, credit, { what: `401 events (key via ${via})`, stdout: events.join('\n'), stderr: '' }]);
      }),
    );
  });
});

// Generous timeouts: a dozen CLI processes at once; on a loaded 2-CPU machine each takes seconds.
describe.concurrent('the API key is never printed by the CLI', { timeout: 60_000 }, () => {
  it('builds failing with each class of error, --verbose and --json; status and plan', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const runs = await Promise.all(
      CLI_ERROR_CLASSES.map(async ({ name, faults, code }, i) => {
        const sim = await r.sim({ apiKeys: [KEY], seed: 600 + i, faults });
        const via: Via = i % 2 === 0 ? 'env' : 'dotenv';
        const flags = i % 2 === 0 ? ['--verbose'] : ['--json', '--verbose'];
        const { dir, env } = await keyedProject(r, sim, `c${i}`, via, { assets: 2 });
        const printed: Printed[] = [];
        const run = await kieaudio(dir, ['build', ...flags], env);
        printed.push({ ...run, what: `${name}: build ${flags.join(' ')} (key via ${via})` });
        expect(run.code, `${name}: ${run.stderr}`).toBe(1);
        // the error class really was printed, for every asset
        if (flags.includes('--json')) {
          const failed = jsonLines(run.stdout).filter((l) => l.type === 'failed');
          expect(
            failed.map((l) => l.code),
            `${name}: failures printed`,
          ).toEqual([code, code]);
        } else {
          expect(run.stderr.split('\n').filter((l) => l.startsWith('failed')).length, `${name}: failures printed\n${run.stderr}`).toBe(2);
          expect(run.stdout, `${name}: summary`).toMatch(/0 generated, 0 restored, 0 up to date, 2 failed/);
        }
        if (code === 'E_DOWNLOAD') {
          // tasks paid for and not downloaded stay in the journal: status and plan show them
          // (a command's top-level error, in words and in JSON, is the 401 test below)
          for (const args of [
            ['status', '--verbose'],
            ['plan', '--json'],
          ]) {
            const c = await kieaudio(dir, args, env);
            expect(c.code, `${args.join(' ')}: ${c.stderr}`).toBe(0);
            printed.push({ ...c, what: `${name}: ${args.join(' ')} (key via ${via})` });
          }
        }
        const files = await expectNoKey(expect, dir, printed);
        expect(sim.stats().createRequests, `${name}: the key reached the API`).toBeGreaterThan(0);
        return { runs: printed.length, files };
      }),
    );
    console.log(
      `[reliability] secrets, CLI: ${CLI_ERROR_CLASSES.length} error classes (${CLI_ERROR_CLASSES.map((c) => c.code).join(', ')}), ` +
        `${runs.reduce((a, b) => a + b.runs, 0)} CLI runs (build --verbose, build --json --verbose, status, plan), ${runs.reduce((a, b) => a + b.files, 0)} files read back: key found nowhere`,
    );
  });

  it('a build under all faults mixed (--json --verbose), then credits --json', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim({ apiKeys: [KEY], seed: 512, faults: ALL_MIXED });
    const { dir, env } = await keyedProject(r, sim, 'mixed', 'dotenv', { assets: 8 });
    const build = await kieaudio(dir, ['build', '--json', '--verbose'], env);
    expect([0, 1], `all mixed: ${build.stderr}`).toContain(build.code);
    const lines = jsonLines(build.stdout);
    // credits is retried with the default backoff (seconds): no faults on it
    sim.setFaults({ http500: 0, connectionReset: 0, slowMs: 0, invalidJson: 0 });
    const balance = await kieaudio(dir, ['credits', '--json'], env);
    expect(balance.code, balance.stderr).toBe(0);
    expect(jsonLines(balance.stdout)).toEqual([expect.objectContaining({ type: 'credits' })]);
    const files = await expectNoKey(expect, dir, [
      { ...build, what: 'all mixed: build --json --verbose (key via dotenv)' },
      { ...balance, what: 'all mixed: credits --json (key via dotenv)' },
    ]);
    expect(sim.stats().tasksCreated).toBeGreaterThan(0);
    console.log(
      `[reliability] secrets, CLI: all faults mixed: build --json --verbose (${lines.length} JSON lines) and credits --json, ${files} files read back: key found nowhere`,
    );
  });

  it('a refused key (401), from the environment or .env, is not echoed either', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    await Promise.all(
      (
        [
          ['env', true],
          ['dotenv', false],
        ] as const
      ).map(async ([via, errorsAsBodyCode]) => {
        const sim = await r.sim({ apiKeys: [KEY], faults: { errorsAsBodyCode } });
        const { dir, env } = await keyedProject(r, sim, `w${via}`, via, { key: WRONG_KEY });
        const commands = via === 'env' ? [['build', '--verbose'], ['credits']] : [['build', '--json', '--verbose']];
        const runs = await Promise.all(
          commands.map(async (args) => {
            const run = await kieaudio(dir, args, env);
            expect(run.code, run.stderr).toBe(1);
            return { ...run, what: `401 ${args.join(' ')} (key via ${via}, errorsAsBodyCode ${errorsAsBodyCode})` };
          }),
        );
        expect(sim.stats().tasksCreated).toBe(0);
        await expectNoKey(expect, dir, runs);
      }),
    );
  });

  it('an invalid spec (exit 2), with the key in .env, does not print it', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim({ apiKeys: [KEY] });
    const { dir, env } = await keyedProject(r, sim, 'bad', 'dotenv', {
      spec: 'assets:\n  - kind: voice\n    text: hi\n    out: ../escape.mp3\n    stability: 7\n',
    });
    const runs = await Promise.all(
      [['build', '--verbose']].map(async (args) => {
        const run = await kieaudio(dir, args, env);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stdout + run.stderr).toMatch(/audio\/main\.audio\.yaml:\d+:\d+|"line":\d+/);
        return { ...run, what: `invalid spec: ${args.join(' ')} (key via dotenv)` };
      }),
    );
    expect(sim.stats().createRequests).toBe(0);
    await expectNoKey(expect, dir, runs);
  });

  it('an interrupted build leaves its journal behind without the key', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    // tasks take 10 minutes: the build is still waiting on them when it is interrupted
    const sim = await r.sim({ apiKeys: [KEY], latencyMs: { min: 600_000, max: 600_000 } });
    const { dir, env } = await keyedProject(r, sim, 'int', 'dotenv');
    const child = spawn(process.execPath, [BIN, 'build', '--json', '--verbose'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // wait (bounded) until every task is submitted, then Ctrl-C
    const deadline = Date.now() + 40_000;
    while ((stdout.match(/"type":"submitted"/g) ?? []).length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((stdout.match(/"type":"submitted"/g) ?? []).length, stderr).toBe(4);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const files = await listFiles(dir);
    expect(
      files.filter((f) => f.startsWith('.kieaudio/journal/')).length,
      `the journal keeps the tasks in flight; files: ${files.join(', ')}; stderr: ${stderr}`,
    ).toBe(4);
    await expectNoKey(expect, dir, [{ stdout, stderr, what: 'interrupted build' }]);
  });
});
