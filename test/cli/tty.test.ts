/**
 * The binary on a real pseudo-terminal (util-linux `script`): the live progress area appears on a
 * terminal and stays away in CI. The renderer itself is tested in detail in
 * test/cli/progress.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/repo.js';
import { smallProject } from '../helpers/small-project.js';

const exec = promisify(execFile);
const hasScript = (() => {
  try {
    return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux');
  } catch {
    return false;
  }
})();

async function onTerminal(cwd: string, args: string, env: Record<string, string>): Promise<string> {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}`;
  const { stdout } = await exec('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...env },
  });
  // colors are on, as on any terminal; the checks below are about the words and the redraws
  return stdout.replace(/\u001b\[\d+(;\d+)*m/g, '');
}

const ERASE_LINE = '\r\u001b[2K';

describe.skipIf(!hasScript)('on a terminal', () => {
  it('shows the live area, then leaves the summary', async () => {
    const dir = await smallProject();
    const out = await onTerminal(dir, 'build --offline', {});
    expect(out).toContain(ERASE_LINE);
    expect(out).toMatch(/queued · \d+ in flight · \d+ done · \d+ failed/);
    expect(out).toMatch(/3 generated, 0 restored, 0 up to date, 0 failed/);
  });

  it('CI=true: plain lines even on a terminal', async () => {
    const dir = await smallProject();
    const out = await onTerminal(dir, 'build --offline', { CI: 'true' });
    expect(out).not.toContain(ERASE_LINE);
    expect(out).not.toMatch(/in flight/);
    expect(out).toMatch(/3 generated/);
  });
});
