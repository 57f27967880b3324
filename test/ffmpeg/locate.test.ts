/**
 * Finding ffmpeg: the override, PATH and the binary npm installed (@ffmpeg-installer/ffmpeg),
 * against real executables: the npm one, and small scripts standing in for other builds.
 */
import { chmod, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeFfmpeg, locateFfmpeg } from '../../src/ffmpeg/locate.js';
import { createTempDir } from '../helpers/temp-dir.js';

/** An executable that answers `-version` as a newer ffmpeg would. */
async function fakeNewerFfmpeg(dir: string): Promise<string> {
  const path = join(dir, 'ffmpeg');
  await writeFile(
    path,
    '#!/bin/sh\necho "ffmpeg version 7.1 Copyright (c) 2000-2024 the FFmpeg developers"\necho "libavfilter     10.  4.100 / 10.  4.100"\n',
  );
  await chmod(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('locateFfmpeg', () => {
  it('finds the npm binary and reads its version', async () => {
    const found = await locateFfmpeg({ env: { PATH: '' } });
    expect(found).toMatchObject({
      path: ffmpegInstaller.path,
      source: 'npm',
      version: { name: 'N-47683-g0e8eb07980-static', libavfilter: [7, 46, 101] },
    });
    expect(describeFfmpeg(found)).toMatch(
      /^ffmpeg N-47683-g0e8eb07980-static \(libavfilter 7\.46\.101\) at .+ \(@ffmpeg-installer\/ffmpeg\)$/,
    );
  });

  it('KIEAUDIO_FFMPEG wins', async () => {
    const dir = await createTempDir(onTestFinished);
    const link = join(dir, 'my-ffmpeg');
    await symlink(ffmpegInstaller.path, link);
    expect(await locateFfmpeg({ env: { KIEAUDIO_FFMPEG: link, PATH: '' } })).toMatchObject({ path: link, source: 'KIEAUDIO_FFMPEG' });
  });

  it('KIEAUDIO_FFMPEG at a missing path is an error that names it', async () => {
    const dir = await createTempDir(onTestFinished);
    const missing = join(dir, 'nope', 'ffmpeg');
    await expect(locateFfmpeg({ env: { KIEAUDIO_FFMPEG: missing } })).rejects.toMatchObject({
      code: 'E_FFMPEG_MISSING',
      message: expect.stringContaining(`KIEAUDIO_FFMPEG=${missing} is not usable: not found`),
    });
  });

  it('KIEAUDIO_FFMPEG at a file that is not executable is an error that names it', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = join(dir, 'ffmpeg');
    await writeFile(file, 'not a program');
    await chmod(file, 0o644);
    await expect(locateFfmpeg({ env: { KIEAUDIO_FFMPEG: file } })).rejects.toMatchObject({
      code: 'E_FFMPEG_MISSING',
      message: expect.stringMatching(/KIEAUDIO_FFMPEG=.* is not usable: not executable.*set KIEAUDIO_FFMPEG/),
    });
  });

  it('KIEAUDIO_FFMPEG at a program whose -version fails is an error that says so', async () => {
    const dir = await createTempDir(onTestFinished);
    const broken = join(dir, 'ffmpeg');
    await writeFile(broken, '#!/bin/sh\necho "error while loading shared libraries: libavdevice.so.58" >&2\nexit 127\n');
    await chmod(broken, 0o755);
    await expect(locateFfmpeg({ env: { KIEAUDIO_FFMPEG: broken } })).rejects.toMatchObject({
      code: 'E_FFMPEG_MISSING',
      message: expect.stringMatching(
        /^ffmpeg at KIEAUDIO_FFMPEG=.* is not usable: `-version` failed \(exit code 127: error while loading shared libraries: libavdevice\.so\.58\); set KIEAUDIO_FFMPEG/,
      ),
    });
  });

  it('KIEAUDIO_FFMPEG at a program that is not ffmpeg is an error', async () => {
    await expect(locateFfmpeg({ env: { KIEAUDIO_FFMPEG: process.execPath } })).rejects.toMatchObject({ code: 'E_FFMPEG_MISSING' });
  });

  it('a newer ffmpeg on PATH takes over; one that is not newer does not', async () => {
    const newer = await createTempDir(onTestFinished);
    const path = await fakeNewerFfmpeg(newer);
    expect(await locateFfmpeg({ env: { PATH: newer } })).toMatchObject({ path, source: 'PATH', version: { name: '7.1' } });

    const same = await createTempDir(onTestFinished);
    await symlink(ffmpegInstaller.path, join(same, 'ffmpeg'));
    expect(await locateFfmpeg({ env: { PATH: same } })).toMatchObject({ path: ffmpegInstaller.path, source: 'npm' });
  });

  it('passes over a broken ffmpeg on PATH', async () => {
    const dir = await createTempDir(onTestFinished);
    await writeFile(join(dir, 'ffmpeg'), '#!/bin/sh\nexit 1\n');
    await chmod(join(dir, 'ffmpeg'), 0o755);
    expect(await locateFfmpeg({ env: { PATH: dir } })).toMatchObject({ source: 'npm' });
  });
});
