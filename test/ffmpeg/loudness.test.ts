/**
 * The ebur128 summary parser on captured ffmpeg output, and measureLoudness on files the test
 * makes with ffmpeg itself, whose loudness is known by construction (make-audio.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { measureLoudness, parseEbur128Summary, parseInputSampleRate } from '../../src/ffmpeg/loudness.js';
import { parseProgressSeconds } from '../../src/ffmpeg/progress.js';
import { createTempDir } from '../helpers/temp-dir.js';
import { makeAudio, runner, SINE_LUFS, SINE_PEAK_DB, toneBetweenSilences } from './make-audio.js';

/** ffmpeg 4.1's stderr for `sine=d=2,volume=-10dB` through `ebur128=peak=true` (its last lines) */
const CAPTURED = `[Parsed_ebur128_0 @ 0x8cd6040] t: 1.99998    TARGET:-23 LUFS    M: -31.1 S:-120.7     I: -31.1 LUFS       LRA:   0.0 LU  FTPK: -28.1 dBFS  TPK: -28.1 dBFS
size=N/A time=00:00:02.00 bitrate=N/A speed= 268x
video:0kB audio:188kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_ebur128_0 @ 0x8cd6040] Summary:

  Integrated loudness:
    I:         -31.1 LUFS
    Threshold: -41.1 LUFS

  Loudness range:
    LRA:         2.5 LU
    Threshold:  -51.2 LUFS
    LRA low:   -32.0 LUFS
    LRA high:  -29.5 LUFS

  True peak:
    Peak:      -28.1 dBFS
`;

const SILENT = `[Parsed_ebur128_0 @ 0x37549240] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS

  Loudness range:
    LRA:         0.0 LU
    Threshold:   0.0 LUFS
    LRA low:     0.0 LUFS
    LRA high:    0.0 LUFS

  True peak:
    Peak:       -inf dBFS
`;

describe('parseEbur128Summary', () => {
  it('reads the summary, not the per-frame lines', () => {
    expect(parseEbur128Summary(CAPTURED)).toEqual({ integratedLufs: -31.1, thresholdLufs: -41.1, lraLu: 2.5, truePeakDbtp: -28.1 });
  });

  it('reads silence as no loudness and no peak', () => {
    expect(parseEbur128Summary(SILENT)).toEqual({ integratedLufs: null, thresholdLufs: 0, lraLu: 0, truePeakDbtp: null });
  });

  it('reads a positive true peak (a clipped file)', () => {
    expect(parseEbur128Summary(CAPTURED.replace('Peak:      -28.1', 'Peak:       +0.4'))?.truePeakDbtp).toBe(0.4);
  });

  it('is undefined without a summary, or with one cut short', () => {
    expect(parseEbur128Summary('')).toBeUndefined();
    expect(parseEbur128Summary(CAPTURED.slice(0, CAPTURED.indexOf('True peak:')))).toBeUndefined();
  });
});

describe('parseProgressSeconds', () => {
  it('takes the last out_time_us', () => {
    const report =
      'out_time_us=1000000\nout_time=00:00:01.000000\nprogress=continue\nout_time_us=2345021\nout_time_ms=2345021\nout_time=00:00:02.345021\nprogress=end\n';
    expect(parseProgressSeconds(report)).toBe(2.345021);
  });

  it('falls back to out_time, and is undefined without either', () => {
    expect(parseProgressSeconds('out_time=01:02:03.500000\nprogress=end\n')).toBe(3723.5);
    expect(parseProgressSeconds('progress=end\n')).toBeUndefined();
  });
});

describe('parseInputSampleRate', () => {
  it("reads the input's rate, not the output's", () => {
    const stderr = `Input #0, wav, from 'file:/tmp/a.wav':
  Duration: 00:00:02.00, bitrate: 705 kb/s
    Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s
Stream mapping:
  Stream #0:0 -> #0:0 (pcm_s16le (native) -> pcm_s16le (native))
Output #0, null, to 'pipe:':
    Stream #0:0: Audio: pcm_s16le, 48000 Hz, mono, s16, 768 kb/s
`;
    expect(parseInputSampleRate(stderr)).toBe(44100);
    expect(parseInputSampleRate('')).toBeUndefined();
  });
});

describe('measureLoudness', () => {
  it('measures a 1 kHz sine at a known level, and its duration', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = await makeAudio(join(dir, 'sine.wav'), 'sine=f=1000:d=2:sample_rate=48000,volume=-6dB');
    const measured = await measureLoudness(runner, file);
    expect(Math.abs((measured.integratedLufs ?? 0) - (SINE_LUFS - 6))).toBeLessThanOrEqual(0.5);
    expect(Math.abs((measured.truePeakDbtp ?? 0) - (SINE_PEAK_DB - 6))).toBeLessThanOrEqual(0.5);
    expect(measured.durationSeconds).toBeCloseTo(2, 2);
    expect(measured.sampleRate).toBe(48000);
  });

  it('measures after the filters it is given', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = await makeAudio(join(dir, 'sine.wav'), 'sine=f=1000:d=2:sample_rate=22050');
    const measured = await measureLoudness(runner, file, { filters: ['volume=-10dB', 'atrim=duration=1.5'] });
    expect(Math.abs((measured.integratedLufs ?? 0) - (SINE_LUFS - 10))).toBeLessThanOrEqual(0.5);
    expect(measured.durationSeconds).toBeCloseTo(1.5, 2);
    expect(measured.sampleRate).toBe(22050);
  });

  it('measures the same sine in two channels as 3 LU louder than in one', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = await makeAudio(join(dir, "stereo it's.flac"), 'sine=f=1000:d=2:sample_rate=48000,pan=stereo|c0=c0|c1=c0');
    const measured = await measureLoudness(runner, file);
    expect(Math.abs((measured.integratedLufs ?? 0) - (SINE_LUFS + 3.01))).toBeLessThanOrEqual(0.5);
  });

  it('measures silence as no loudness and no peak', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = await makeAudio(join(dir, 'silence.wav'), toneBetweenSilences(1.5, 0, 0));
    expect(await measureLoudness(runner, file)).toMatchObject({
      integratedLufs: null,
      truePeakDbtp: null,
      durationSeconds: expect.closeTo(1.5, 2),
    });
  });

  it('a file that is not audio is an ffmpeg error', async () => {
    const dir = await createTempDir(onTestFinished);
    await writeFile(join(dir, 'bad.wav'), 'not audio at all');
    await expect(measureLoudness(runner, join(dir, 'bad.wav'))).rejects.toMatchObject({ code: 'E_FFMPEG_FAILED' });
  });
});
