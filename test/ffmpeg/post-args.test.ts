/**
 * The argument builder as plain values, and once through the real ffmpeg: a lavfi-made take
 * processed with the built arguments and measured independently (ebur128, silencedetect, ffprobe).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fileArg } from '../../src/ffmpeg/input.js';
import { measureLoudness } from '../../src/ffmpeg/loudness.js';
import { correctiveGainDb, type FirstPass, firstPassFilters, needsFirstPass, postProcessArgs } from '../../src/ffmpeg/post-args.js';
import { postExtension, postFormatOfPath, type ResolvedPostChain } from '../../src/ffmpeg/post-chain.js';
import { detectSilence } from '../../src/ffmpeg/silence.js';
import { createTempDir } from '../helpers/temp-dir.js';
import { makeAudio, runner, toneBetweenSilences } from './make-audio.js';

const MEASURED: FirstPass = {
  integratedLufs: -17.2,
  truePeakDbtp: -14,
  lraLu: 0,
  thresholdLufs: -27.2,
  durationSeconds: 2.5,
  sampleRate: 44100,
};

/** the value of `-af` in an argument list */
const graph = (args: readonly string[]) => args[args.indexOf('-af') + 1];

describe('postProcessArgs', () => {
  it('a chain of only a format re-encodes, reproducibly, naming the muxer', () => {
    const args = postProcessArgs({ format: 'ogg' }, 'in.mp3', 'out.ogg.tmp');
    expect(args).not.toContain('-af');
    expect(args.slice(-12)).toEqual(
      [
        '-map_metadata',
        '-1',
        '-fflags',
        '+bitexact',
        '-flags:a',
        '+bitexact',
        '-c:a',
        'libvorbis',
        '-q:a',
        '5',
        '-f',
        'ogg',
        fileArg('out.ogg.tmp'),
      ].slice(-12),
    );
    expect(args).toContain(fileArg('in.mp3'));
    expect(args.at(-1)).toBe(fileArg('out.ogg.tmp'));
  });

  it.each([
    ['wav', ['-c:a', 'pcm_s16le', '-f', 'wav']],
    ['flac', ['-c:a', 'flac', '-f', 'flac']],
    ['mp3', ['-c:a', 'libmp3lame', '-q:a', '2', '-f', 'mp3']],
    ['ogg', ['-c:a', 'libvorbis', '-q:a', '5', '-f', 'ogg']],
  ] as const)('%s uses its encoder and muxer', (format, expected) => {
    const args = postProcessArgs({ format }, 'in', 'out');
    expect(args.slice(-1 - expected.length, -1)).toEqual(expected);
    expect(postExtension(format)).toBe(`.${format}`);
    expect(postFormatOfPath(`a/b.${format.toUpperCase()}`)).toBe(format);
  });

  it('normalizes with two-pass loudnorm in linear mode, then returns to the input sample rate', () => {
    const args = postProcessArgs({ format: 'wav', loudness: -23, truePeak: -1 }, 'in', 'out', MEASURED);
    expect(graph(args)).toBe(
      'loudnorm=I=-23:TP=-1:LRA=20:measured_I=-17.2:measured_TP=-14:measured_LRA=0.1:measured_thresh=-27.2:linear=true:print_format=none,aresample=44100',
    );
  });

  it('true peak defaults to -1 dBTP, and the asked sample rate wins', () => {
    const args = postProcessArgs({ format: 'wav', loudness: -18, sampleRate: 48000 }, 'in', 'out', MEASURED);
    expect(graph(args)).toMatch(/^loudnorm=I=-18:TP=-1:.*,aresample=48000$/);
  });

  it('leaves silence (no integrated loudness) un-normalized', () => {
    expect(postProcessArgs({ format: 'wav', loudness: -23 }, 'in', 'out', { ...MEASURED, integratedLufs: null })).not.toContain('-af');
  });

  it('orders channels, trim, loudnorm, resample, fades', () => {
    const chain: ResolvedPostChain = {
      format: 'flac',
      channels: 1,
      trim: { thresholdDb: -45, padMs: 20 },
      loudness: -23,
      fadeInMs: 5,
      fadeOutMs: 10,
      sampleRate: 22050,
    };
    const filters = graph(postProcessArgs(chain, 'in', 'out', MEASURED))?.split(',') ?? [];
    const trim = 'silenceremove=start_periods=1:start_threshold=-45dB:start_silence=0.02:detection=peak';
    expect(firstPassFilters(chain)).toEqual(['aformat=channel_layouts=mono', trim, 'areverse', trim, 'areverse']);
    expect(filters.slice(0, 5)).toEqual(firstPassFilters(chain));
    expect(filters[5]).toMatch(/^loudnorm=/);
    expect(filters.slice(6)).toEqual(['aresample=22050', 'afade=t=in:st=0:d=0.005', 'afade=t=out:st=2.49:d=0.01']);
  });

  it('needs the first pass for loudness and fade-out only', () => {
    expect(needsFirstPass({ format: 'ogg', trim: { thresholdDb: -50, padMs: 0 }, fadeInMs: 5, sampleRate: 48000, channels: 2 })).toBe(
      false,
    );
    expect(needsFirstPass({ loudness: -23 })).toBe(true);
    expect(needsFirstPass({ fadeOutMs: 10 })).toBe(true);
    expect(() => postProcessArgs({ format: 'wav', fadeOutMs: 10 }, 'in', 'out')).toThrow(/first pass/);
  });

  it('a fade longer than the sound fades all of it', () => {
    const args = postProcessArgs({ format: 'wav', fadeOutMs: 5000 }, 'in', 'out', MEASURED);
    expect(graph(args)).toBe('afade=t=out:st=0:d=2.5');
  });
});

describe('correctiveGainDb', () => {
  const chain = { loudness: -23, truePeak: -1 };

  it('is 0 within 0.5 LU of the target, or without a target or a measurement', () => {
    expect(correctiveGainDb(chain, { integratedLufs: -23.5, truePeakDbtp: -10 })).toBe(0);
    expect(correctiveGainDb(chain, { integratedLufs: -22.6, truePeakDbtp: -10 })).toBe(0);
    expect(correctiveGainDb({ truePeak: -1 }, { integratedLufs: -30, truePeakDbtp: -10 })).toBe(0);
    expect(correctiveGainDb(chain, { integratedLufs: null, truePeakDbtp: null })).toBe(0);
  });

  it('closes the gap, but never lifts the true peak over the ceiling', () => {
    expect(correctiveGainDb(chain, { integratedLufs: -24.2, truePeakDbtp: -10 })).toBe(1.2);
    expect(correctiveGainDb(chain, { integratedLufs: -21.9, truePeakDbtp: -0.5 })).toBe(-1.1);
    expect(correctiveGainDb(chain, { integratedLufs: -25, truePeakDbtp: -1.5 })).toBe(0.5);
  });

  it('goes right after loudnorm in the second pass', () => {
    const filters = graph(postProcessArgs({ format: 'ogg', loudness: -23, fadeInMs: 5 }, 'in', 'out', MEASURED, 1.2))?.split(',');
    expect(filters?.map((f) => f.split('=')[0])).toEqual(['loudnorm', 'volume', 'aresample', 'afade']);
    expect(filters?.[1]).toBe('volume=1.2dB');
  });
});

const ffprobe = promisify(execFile);

describe('post-processing through the real ffmpeg', () => {
  it('{ loudness: -23, truePeak: -1 }, trimmed, as Ogg Vorbis at 44.1 kHz: measured independently', async () => {
    const dir = await createTempDir(onTestFinished);
    // a loud take (about -15 LUFS) with 0.6 s of silence before and 0.9 s after
    const raw = await makeAudio(join(dir, 'raw.wav'), toneBetweenSilences(0.6, 2.5, 0.9, 6));
    const chain: ResolvedPostChain = {
      format: 'ogg',
      loudness: -23,
      truePeak: -1,
      trim: { thresholdDb: -50, padMs: 20 },
      sampleRate: 44100,
      fadeOutMs: 10,
    };
    const first = await measureLoudness(runner, raw, { filters: firstPassFilters(chain) });
    const out = join(dir, 'out.ogg');
    await runner.run(postProcessArgs(chain, raw, out, first));

    const measured = await measureLoudness(runner, out);
    expect(Math.abs((measured.integratedLufs ?? 0) - -23)).toBeLessThanOrEqual(0.5);
    expect(measured.truePeakDbtp ?? 0).toBeLessThanOrEqual(-1);

    const silence = await detectSilence(runner, out, { thresholdDb: -50 });
    expect(silence.leadingSeconds).toBeLessThanOrEqual(0.02 + 0.005);
    // the pad, and what Vorbis adds at the end when decoded (about 18 ms with ffmpeg 4.1; a WAV
    // output of the same chain ends 19.7 ms after the sound): see docs/design/post-processing.md
    expect(silence.trailingSeconds).toBeLessThanOrEqual(0.02 + 0.025);
    expect(silence.durationSeconds).toBeGreaterThan(2.5);
    expect(silence.durationSeconds).toBeLessThan(2.6);

    const { stdout } = await ffprobe(ffprobeInstaller.path, [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,sample_rate,channels',
      '-of',
      'json',
      out,
    ]);
    const stream = (JSON.parse(stdout) as { streams: { codec_name: string; sample_rate: string; channels: number }[] }).streams[0];
    expect(stream).toMatchObject({ codec_name: 'vorbis', sample_rate: '44100', channels: 1 });
  });
});
