/**
 * `kieaudio --version` stays the bare version; `--version --verbose` adds the ffmpeg that
 * post-processing runs, and an unusable KIEAUDIO_FFMPEG is said plainly (exit 1).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { kieaudio } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { createTempDir } from '../helpers/temp-dir.js';

describe('kieaudio --version', () => {
  it('--verbose names the ffmpeg, its version and where it came from', async () => {
    const dir = await createTempDir(onTestFinished);
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const plain = await kieaudio(dir, ['--version'], { PATH: '' });
    expect(plain).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const verbose = await kieaudio(dir, ['--version', '--verbose'], { PATH: '' });
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toMatch(
      new RegExp(
        `^${pkg.version}\\nffmpeg N-47683-g0e8eb07980-static \\(libavfilter 7\\.46\\.101\\) at .*ffmpeg \\(@ffmpeg-installer/ffmpeg\\)\\n$`,
      ),
    );
  });

  it('--verbose with a KIEAUDIO_FFMPEG that is not there exits 1 naming it', async () => {
    const dir = await createTempDir(onTestFinished);
    const run = await kieaudio(dir, ['--version', '--verbose'], { KIEAUDIO_FFMPEG: join(dir, 'ffmpeg') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/KIEAUDIO_FFMPEG=.*ffmpeg is not usable: not found/);
  });
});
