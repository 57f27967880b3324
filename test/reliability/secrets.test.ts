/**
 * Issue #3, test 4: the API key never leaves the environment. A distinctive key is passed through
 * KIE_API_KEY and through a .env file; builds run with --verbose and with --json under every
 * fault, then credits, status and plan, a 401 run with another distinctive (wrong) key, and an
 * interrupted build that leaves journal entries behind. Everything printed and every file written
 * under the project (lock, .kieaudio/ journal, cache and stat index, outputs) is read back: the
 * key appears nowhere except in the .env file the user wrote. (The simulator does not echo keys.)
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type ExpectStatic } from 'vitest';
import type { Faults, Simulator } from '../../src/sim/index.js';
import { BIN, config, jsonLines, kieaudio, listFiles, mixedSpec, resources, type Run } from './helpers.js';

const KEY = 'kie-TEST-7f3a9c2e5b1d4a6f8e0c';
const WRONG_KEY = 'kie-TEST-WRONG-4d2b9e7a1c3f5a8b';
/** Fragments that would betray a truncated or partly redacted key. */
const NEEDLES = [KEY, WRONG_KEY, '7f3a9c2e5b1d', '4d2b9e7a1c3f'];

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
  [
    'all mixed',
    {
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
    },
  ],
];

/** Every needle absent from every file under `dir` (the user's own .env excepted) and from `runs`. */
async function expectNoKey(expect: ExpectStatic, dir: string, runs: Array<Run & { what: string }>): Promise<number> {
  for (const run of runs) {
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

/** A project whose key comes from the environment or from a .env file beside the config. */
async function keyedProject(r: ReturnType<typeof resources>, sim: Simulator, tag: string, via: 'env' | 'dotenv', key = KEY) {
  const dir = await r.project({
    'kieaudio.config.yaml': config({ concurrency: 8 }),
    'audio/main.audio.yaml': mixedSpec(4, tag),
    ...(via === 'dotenv' ? { '.env': `# local secrets\nKIE_API_KEY=${key}\n` } : {}),
  });
  const env: Record<string, string> = { KIE_API_BASE_URL: sim.url, ...(via === 'env' ? { KIE_API_KEY: key } : {}) };
  return { dir, env };
}

// Generous timeouts: dozens of CLI processes; on a loaded 2-CPU machine each takes seconds.
describe.concurrent('the API key is never printed or written', { timeout: 90_000 }, () => {
  it('builds with --verbose and with --json under every fault, then credits, status, plan', async ({
    expect,
    onTestFinished,
  }) => {
    const r = resources(onTestFinished);
    // builds mostly wait (retry backoff, fault delays), so all of them run at once
    const checked = await Promise.all(
      FAULTS.map(async ([name, faults], i) => {
        const sim = await r.sim({ apiKeys: [KEY], seed: 500 + i, faults });
        const perBuild = await Promise.all(
          [['--verbose'], ['--json', '--verbose']].map(async (flags, j) => {
            const via = (i + j) % 2 === 0 ? 'env' : 'dotenv';
            const { dir, env } = await keyedProject(r, sim, `k${i}${j}`, via);
            const runs: Array<Run & { what: string }> = [];
            const build = await kieaudio(dir, ['build', ...flags], env);
            runs.push({ ...build, what: `${name}: build ${flags.join(' ')} (key via ${via})` });
            expect([0, 1], `${name}: ${build.stderr}`).toContain(build.code);
            if (flags.includes('--json')) jsonLines(build.stdout);
            if (name === 'all mixed') {
              // the other commands, once per key source, on a project built under every fault
              const others = j === 0 ? [['credits'], ['status', '--verbose'], ['plan', '--json']] : [['credits', '--json'], ['status', '--json'], ['plan', '--verbose']];
              for (const args of others) {
                const run = await kieaudio(dir, args, env);
                // credits is one unretried call, so an injected fault may fail it (exit 1); status and plan call nothing
                expect(args[0] === 'credits' ? [0, 1] : [0], `${name}: ${args.join(' ')}: ${run.stderr}`).toContain(run.code);
                runs.push({ ...run, what: `${name}: ${args.join(' ')} (key via ${via})` });
              }
            }
            return { files: await expectNoKey(expect, dir, runs), runs: runs.length };
          }),
        );
        // the key did reach the API: work was done under this key
        expect(sim.stats().tasksCreated).toBeGreaterThan(0);
        return { files: perBuild.reduce((a, b) => a + b.files, 0), runs: perBuild.reduce((a, b) => a + b.runs, 0) };
      }),
    );
    const files = checked.reduce((a, b) => a + b.files, 0);
    const runs = checked.reduce((a, b) => a + b.runs, 0);
    console.log(`[reliability] secrets: ${FAULTS.length} fault settings, ${runs} CLI runs (build --verbose, build --json, credits, status, plan), ${files} files read back: key found nowhere`);
  });

  it('a refused key (401), from the environment or .env, is not echoed either', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    await Promise.all(
      ([['env', true], ['dotenv', false]] as const).map(async ([via, errorsAsBodyCode]) => {
        const sim = await r.sim({ apiKeys: [KEY], faults: { errorsAsBodyCode } });
        const { dir, env } = await keyedProject(r, sim, `w${via}`, via, WRONG_KEY);
        const runs = await Promise.all(
          (via === 'env' ? [['build', '--verbose'], ['credits']] : [['build', '--json', '--verbose'], ['credits', '--json']]).map(async (args) => {
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
    expect(files.filter((f) => f.startsWith('.kieaudio/journal/')).length, `the journal keeps the tasks in flight; files: ${files.join(', ')}; stderr: ${stderr}`).toBe(4);
    await expectNoKey(expect, dir, [{ code: 130, stdout, stderr, what: 'interrupted build' }]);
  });
});
