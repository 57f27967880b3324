/**
 * The command line as a user types it (issue 16, rough edges): typos get a short error naming
 * what was meant, and flags may come before the command. The built binary, on a small project.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, kieaudio } from '../helpers/cli.js';
import { tempDir } from '../helpers/project.js';
import { smallProject } from '../helpers/small-project.js';

describe('typos: a short usage error with the likely meaning, exit 2', () => {
  it('an unknown command names the close one, without printing the whole help', async () => {
    const dir = await tempDir();
    const run = await kieaudio(dir, ['biuld']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('kieaudio: unknown command "biuld" (did you mean "build"?)\nRun "kieaudio --help" for the list of commands.\n');
    const far = await kieaudio(dir, ['frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(
      /^kieaudio: unknown command "frobnicate"; the commands are build, plan, status, check, watch, clean, init, credits, takes, pin, unpin, report, export\n/,
    );
    expect(far.stderr.split('\n').length).toBeLessThanOrEqual(3);
    const topic = await kieaudio(dir, ['help', 'staus']);
    expect(topic.code).toBe(2);
    expect(topic.stderr).toMatch(/unknown command "staus" \(did you mean "status"\?\)/);
  });

  it('an unknown flag names the close one; a flag of another command says which commands take it', async () => {
    const dir = await tempDir();
    const typo = await kieaudio(dir, ['build', '--offlin']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'kieaudio build: unknown option --offlin (did you mean --offline?)\nRun "kieaudio build --help" for its options.\n',
    );
    const before = await kieaudio(dir, ['--conifg', 'x.yaml', 'status']);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/^kieaudio: unknown option --conifg \(did you mean --config\?\)\n/);
    const elsewhere = await kieaudio(dir, ['plan', '--frozen']);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^kieaudio plan: --frozen is not an option of plan \(build takes it\)\n/);
  });
});

describe('flags before the command', () => {
  it('are the same as after it: -q build, --json plan, --config PATH status', async () => {
    const dir = await smallProject();
    const quiet = await kieaudio(dir, ['-q', 'build', '--offline']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^3 generated, 0 restored, 0 up to date, 0 failed .*\n$/);

    const json = await kieaudio(dir, ['--json', 'plan']);
    expect(json.code, json.stderr).toBe(0);
    expect(jsonLines(json.stdout).filter((l) => l.type === 'planned')).toHaveLength(3);

    // from a folder where no config would be found by walking up
    const elsewhere = await tempDir();
    const status = await kieaudio(elsewhere, ['--config', join(dir, 'kieaudio.config.yaml'), '--json', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(jsonLines(status.stdout).filter((l) => l.type === 'status')).toHaveLength(3);
  });

  it("are checked against the command's own flags, and help may come first", async () => {
    const dir = await tempDir();
    const init = await kieaudio(dir, ['--concurrency', '3', 'init']);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/^kieaudio init: --concurrency is not an option of init \(build, check and watch take it\)\n/);
    const help = await kieaudio(dir, ['--help', 'plan']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^kieaudio plan \[options\]/);
    const none = await kieaudio(dir, ['--json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^kieaudio: expected a command after the options/);
  });
});
