/**
 * Issue 16, item 5, through the built CLI (run `npm run build` first): a file system that refuses
 * (a read-only `.kieaudio/`, project root, journal or output folder, a full disk, a folder at
 * `out`) stops the build with one line naming the path and a hint, the summary, no stack trace —
 * and before a single create request, where the check can come before paying. Read-only folders
 * need a user that permissions apply to (test/helpers/unprivileged.ts); a full disk is injected.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type ExpectStatic, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { plan as planOf } from '../../src/commands/plan.js';
import type { Simulator } from '../../src/sim/index.js';
import { jsonLines, kieaudio, type Run } from '../helpers/cli.js';
import { listFiles } from '../helpers/files.js';
import { simEnv } from '../helpers/sim.js';
import type { OnFinished } from '../helpers/temp-dir.js';
import { openUp, readOnly, unprivileged } from '../helpers/unprivileged.js';
import { config, resources } from './helpers.js';

const SPEC = [
  'assets:',
  '  - { id: a, kind: voice, text: "First line.", out: a.mp3 }',
  '  - { id: b, kind: voice, text: "Second line.", out: b.mp3 }',
  '  - { id: c, kind: effect, text: "Coin drop", out: c.mp3 }',
  '',
].join('\n');

const files = (spec = SPEC) => ({ 'kieaudio.config.yaml': config({ concurrency: 4 }), 'audio/a.audio.yaml': spec });

const SUMMARY = /^\d+ generated, \d+ restored, \d+ up to date, \d+ failed.* credits? used/m;

/** One `error:` line that matches `message`, the summary before it, and nothing like a stack. */
function expectCleanStop(expect: ExpectStatic, run: Run, message: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors, run.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at |internal error/m);
  expect(run.stdout).toMatch(SUMMARY);
}

const noCreates = (sim: Simulator) => sim.stats().createRequests;

const skipUnprivileged = 'unavailable' in unprivileged;
if ('unavailable' in unprivileged) console.log(`[clean-failures] read-only folder tests skipped: ${unprivileged.unavailable}`);
const as = 'prefix' in unprivileged ? unprivileged.prefix : [];

/**
 * Builds, as a user that permissions apply to, a project where the folders `make` exist (and
 * everything is writable) but `locked` (relative to it, '' for the project root) is read-only.
 */
async function buildLocked(
  onTestFinished: OnFinished,
  make: string[],
  locked: string,
): Promise<{ run: Run; dir: string; creates: number }> {
  const r = resources(onTestFinished);
  const sim = await r.sim();
  const dir = await r.project(files());
  for (const folder of make) await mkdir(join(dir, folder), { recursive: true });
  await openUp(dir);
  await readOnly(join(dir, locked), onTestFinished);
  const run = await kieaudio(dir, ['build'], simEnv(sim), as);
  return { run, dir, creates: sim.stats().createRequests };
}

describe.concurrent('read-only folders: refused before anything is paid for', { timeout: 30_000 }, () => {
  it.skipIf(skipUnprivileged)('a read-only .kieaudio/', async ({ expect, onTestFinished }) => {
    const { run, creates } = await buildLocked(onTestFinished, ['.kieaudio'], '.kieaudio');
    expectCleanStop(
      expect,
      run,
      /^error: cannot write \.kieaudio\/build\.lock: permission denied \(EACCES\); check the folder's permissions$/,
    );
    expect(creates).toBe(0);
  });

  it.skipIf(skipUnprivileged)('a read-only project root, where kieaudio.lock goes', async ({ expect, onTestFinished }) => {
    const { run, dir, creates } = await buildLocked(onTestFinished, ['.kieaudio', 'out'], '');
    expectCleanStop(expect, run, /^error: cannot write kieaudio\.lock: permission denied \(EACCES\); check the folder's permissions$/);
    // before the fix: every task paid and installed, then the lock write crashed
    expect(creates).toBe(0);
    expect(run.stdout).toMatch(/3 not started/);
    expect(await listFiles(join(dir, 'out'))).toEqual([]);
  });

  it.skipIf(skipUnprivileged)('a read-only journal folder', async ({ expect, onTestFinished }) => {
    const { run, creates } = await buildLocked(onTestFinished, ['.kieaudio/journal'], '.kieaudio/journal');
    expectCleanStop(expect, run, /^error: cannot write in \.kieaudio\/journal: permission denied \(EACCES\)/);
    expect(creates).toBe(0);
  });

  it.skipIf(skipUnprivileged)(
    'a journal folder that can be written but not listed is an error, not an empty journal',
    async ({ expect, onTestFinished }) => {
      const r = resources(onTestFinished);
      const sim = await r.sim();
      const dir = await r.project(files());
      const journal = join(dir, '.kieaudio', 'journal');
      await mkdir(journal, { recursive: true });
      await openUp(dir);
      await chmod(journal, 0o333); // write and search, no read: readdir fails, writes still work
      onTestFinished(() => chmod(journal, 0o755));
      for (const command of ['plan', 'build']) {
        const run = await kieaudio(dir, [command], simEnv(sim), as);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toMatch(/^error: cannot list \.kieaudio\/journal: permission denied \(EACCES\)/m);
        expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at |internal error/m);
      }
      expect(sim.stats().createRequests, 'nothing paid while the journal could not be read').toBe(0);
    },
  );

  it.skipIf(skipUnprivileged)('a read-only cache folder', async ({ expect, onTestFinished }) => {
    const { run, creates } = await buildLocked(onTestFinished, ['.kieaudio/cache'], '.kieaudio/cache');
    expectCleanStop(expect, run, /^error: cannot write in \.kieaudio\/cache: permission denied \(EACCES\)/);
    expect(creates).toBe(0);
  });

  it.skipIf(skipUnprivileged)('init in a read-only folder', async ({ expect, onTestFinished }) => {
    const dir = await resources(onTestFinished).dir();
    await readOnly(dir, onTestFinished);
    const run = await kieaudio(dir, ['init'], {}, as);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: cannot write kieaudio.config.yaml: permission denied (EACCES); check the folder's permissions\n");
  });

  it.skipIf(skipUnprivileged)(
    'a read-only output folder fails its assets, each before it is paid for',
    async ({ expect, onTestFinished }) => {
      const { run, creates } = await buildLocked(onTestFinished, ['out'], 'out');
      expect(run.code).toBe(1);
      const failed = run.stderr.split('\n').filter((l) => l.startsWith('failed'));
      expect(failed, run.stderr).toHaveLength(3);
      for (const line of failed) expect(line).toMatch(/cannot write in out: permission denied \(EACCES\); check the folder's permissions$/);
      expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at |internal error|kieaudio-tmp/m);
      expect(run.stdout).toMatch(/0 generated, 0 restored, 0 up to date, 3 failed · 0 credits used/);
      expect(creates).toBe(0);
    },
  );
});

describe.concurrent('a full disk (injected ENOSPC)', { timeout: 30_000 }, () => {
  it('at start: one line naming the build lock, no lock left behind, the next build runs', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await r.project(files());
    const full = { KIEAUDIO_TEST_FS_ERROR: 'ENOSPC:.kieaudio/build.lock' };
    const run = await kieaudio(dir, ['build'], simEnv(sim, full));
    expectCleanStop(expect, run, /^error: cannot write \.kieaudio\/build\.lock: no space left on the device \(ENOSPC\); free some space/);
    expect(noCreates(sim)).toBe(0);
    // an empty lock file left by the failed write would hold the next build up as "being written"
    expect(existsSync(join(dir, '.kieaudio', 'build.lock'))).toBe(false);
    const again = await build({ cwd: dir, env: simEnv(sim) });
    expect(again.failures).toEqual([]);
    expect(again.summary.generated).toBe(3);
  });

  it('in the journal: found before the first create request', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await r.project(files());
    const run = await kieaudio(dir, ['build'], simEnv(sim, { KIEAUDIO_TEST_FS_ERROR: 'ENOSPC:.kieaudio/journal' }));
    expectCleanStop(expect, run, /^error: cannot write in \.kieaudio\/journal: no space left on the device \(ENOSPC\)/);
    expect(noCreates(sim)).toBe(0);
  });

  it('--verbose adds the original error; --json names the path and errno', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await r.project(files());
    const full = simEnv(sim, { KIEAUDIO_TEST_FS_ERROR: 'ENOSPC:.kieaudio/build.lock' });
    const verbose = await kieaudio(dir, ['build', '--verbose'], full);
    expect(verbose.stderr).toMatch(/^error: cannot write \.kieaudio\/build\.lock: no space .*\n {2}cause: Error: ENOSPC: injected/m);
    const json = await kieaudio(dir, ['build', '--json'], full);
    const lines = jsonLines(json.stdout);
    expect(lines.map((l) => l.type)).toEqual(['summary', 'error']);
    expect(lines[1]).toMatchObject({ code: 'E_IO', path: '.kieaudio/build.lock', errno: 'ENOSPC' });
  });
});

describe.concurrent('a folder at out', { timeout: 30_000 }, () => {
  it('is never replaced: --force fails that asset before paying for it; without --force it is left alone', async ({
    expect,
    onTestFinished,
  }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await r.project(files('assets:\n  - { id: a, kind: voice, text: "First line.", out: a.mp3 }\n'));
    await mkdir(join(dir, 'out', 'a.mp3'), { recursive: true });
    const reason = /a folder \(or another non-file\) is there; kieaudio never replaces one, even with --force: move or remove it/;

    const planned = await planOf({ cwd: dir, env: simEnv(sim), force: true });
    expect(planned.plan.items[0]?.reason).toMatch(reason);
    const forced = await kieaudio(dir, ['build', '--force'], simEnv(sim));
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(new RegExp(`^failed\\s+a\\.mp3\\s+${reason.source}`, 'm'));
    expect(forced.stdout).toMatch(/0 generated, 0 restored, 0 up to date, 1 failed · 0 credits used/);
    // before the fix: paid for, then EISDIR when the result was renamed over the folder
    expect(noCreates(sim)).toBe(0);

    const kept = await kieaudio(dir, ['build'], simEnv(sim));
    expect(kept.code).toBe(0);
    expect(kept.stderr).toMatch(new RegExp(`^kept\\s+a\\.mp3\\s+${reason.source}`, 'm'));
    expect(kept.stderr).not.toMatch(/use --force/);
    expect(noCreates(sim)).toBe(0);
  });
});
