/**
 * The runner against the real ffmpeg from npm: success, failure with ffmpeg's own words, abort
 * (the child is killed, and the run settles only after it exited), the concurrency bound.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FfmpegError } from '../../src/errors.js';
import { createFfmpegRunner } from '../../src/ffmpeg/run.js';
import { createTempDir } from '../helpers/temp-dir.js';

/** A sine played in real time (`-re`): it lasts as long as it says, whatever the machine. */
const realTime = (seconds: number) => ['-hide_banner', '-nostats', '-re', '-f', 'lavfi', '-i', `sine=d=${seconds}`, '-f', 'null', '-'];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('createFfmpegRunner', () => {
  const runner = createFfmpegRunner({ path: ffmpegInstaller.path });

  it('runs ffmpeg with an argument array and returns stdout and stderr', async () => {
    const { stdout, stderr } = await runner.run([
      '-hide_banner',
      '-nostats',
      '-progress',
      'pipe:1',
      '-f',
      'lavfi',
      '-i',
      'sine=d=0.5',
      '-f',
      'null',
      '-',
    ]);
    expect(stdout).toMatch(/progress=end/);
    expect(stderr).toMatch(/Output #0, null/);
  });

  it('passes arguments through untouched, with no shell between', async () => {
    const dir = await createTempDir(onTestFinished);
    const out = join(dir, "it's $(not) `a` shell; *.wav");
    await runner.run(['-hide_banner', '-f', 'lavfi', '-i', 'sine=d=0.1', out]);
    expect((await stat(out)).size).toBeGreaterThan(44);
  });

  it('a failing run is an FfmpegError with the last lines of stderr', async () => {
    const error = await runner.run(['-hide_banner', '-i', '/no/such/input.wav', '-f', 'null', '-']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    const failed = error as FfmpegError;
    expect(failed.code).toBe('E_FFMPEG_FAILED');
    expect(failed.exitCode).toBe(1);
    expect(failed.stderrTail.at(-1)).toMatch(/No such file or directory/);
    expect(failed.message).toMatch(/^ffmpeg exited with code 1: .*No such file or directory/);
  });

  it('keeps the beginning and the end of stderr, within the limit', async () => {
    const small = createFfmpegRunner({ path: ffmpegInstaller.path, stderrLimit: 400 });
    // ebur128 logs ten lines a second: far over 400 bytes
    const { stderr } = await small.run(['-hide_banner', '-nostats', '-f', 'lavfi', '-i', 'sine=d=3', '-af', 'ebur128', '-f', 'null', '-']);
    expect(Buffer.byteLength(stderr)).toBeLessThanOrEqual(400 + '\n[…]\n'.length);
    expect(stderr).toMatch(/^Input #0, lavfi/);
    expect(stderr).toMatch(/\n\[…\]\n/);
    expect(stderr).toMatch(/LRA high/);
  });

  it('a binary that is not there is E_FFMPEG_MISSING naming KIEAUDIO_FFMPEG', async () => {
    const missing = createFfmpegRunner({ path: '/no/such/ffmpeg' });
    await expect(missing.run(['-version'])).rejects.toMatchObject({
      code: 'E_FFMPEG_MISSING',
      message: expect.stringMatching(/not found.*KIEAUDIO_FFMPEG/),
    });
    expect(missing.running).toBe(0);
  });

  it('abort kills a long run, and the run settles after the process is gone', async () => {
    const controller = new AbortController();
    let pid = 0;
    const reason = new Error('stop');
    const run = runner.run(realTime(60), {
      signal: controller.signal,
      onStart: (started) => {
        pid = started;
        controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    expect(runner.running).toBe(0);
  });

  it('a run aborted while it waits for a slot never starts', async () => {
    const one = createFfmpegRunner({ path: ffmpegInstaller.path, concurrency: 1 });
    const first = new AbortController();
    const second = new AbortController();
    let secondStarted = false;
    const started = new Promise<void>((resolve) => {
      void one.run(realTime(60), { signal: first.signal, onStart: () => resolve() }).catch(() => undefined);
    });
    await started;
    const waiting = one.run(realTime(60), { signal: second.signal, onStart: () => (secondStarted = true) });
    second.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'E_ABORTED' });
    first.abort();
    await expect(one.run(['-version'])).resolves.toBeDefined();
    expect(secondStarted).toBe(false);
  });

  it('runs at most `concurrency` processes at once', async () => {
    const two = createFfmpegRunner({ path: ffmpegInstaller.path, concurrency: 2 });
    const seen: number[] = [];
    const runs = Array.from({ length: 5 }, () => two.run(realTime(0.3), { onStart: () => seen.push(two.running) }));
    await Promise.all(runs);
    expect(seen).toHaveLength(5);
    expect(Math.max(...seen)).toBe(2);
    expect(two.running).toBe(0);
  });
});
