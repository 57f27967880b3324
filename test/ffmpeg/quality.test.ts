/**
 * The one ffmpeg run of `kieaudio check`: astats' overall section parsed (captured text), and
 * measureQuality on files of known loudness, silences and clipping made by ffmpeg itself.
 */
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { measureQuality, parseAstatsOverall, totalSilence } from '../../src/ffmpeg/quality.js';
import { createTempDir } from '../helpers/temp-dir.js';
import { makeAudio, runner, SINE_LUFS, toneBetweenSilences } from './make-audio.js';

/** ffmpeg 4.1, a 1 kHz sine +20 dB into 16-bit WAV (per-channel lines, then Overall) */
const CAPTURED = `[Parsed_astats_1 @ 0x361b8a00] Peak level dB: 0.000265
[Parsed_astats_1 @ 0x361b8a00] Flat factor: 19.084850
[Parsed_astats_1 @ 0x361b8a00] Peak count: 18000
[Parsed_astats_1 @ 0x361b8a00] Overall
[Parsed_astats_1 @ 0x361b8a00] DC offset: 0.000000
[Parsed_astats_1 @ 0x361b8a00] Peak level dB: 0.000265
[Parsed_astats_1 @ 0x361b8a00] Flat factor: 19.084850
[Parsed_astats_1 @ 0x361b8a00] Peak count: 18000.000000
`;

const dir = () => createTempDir(onTestFinished);
const options = { silenceThresholdDb: -50 };

describe('parseAstatsOverall and totalSilence', () => {
  it('reads the overall peak, flatness and count', () => {
    expect(parseAstatsOverall(CAPTURED)).toEqual({ peakDb: 0.000265, flatFactor: 19.08485, peakCount: 18000 });
    expect(parseAstatsOverall('no stats')).toBeUndefined();
  });

  it('adds the silences up within the duration', () => {
    expect(totalSilence([{ start: 0, end: 0.5 }, { start: 2.5 }], 3)).toBeCloseTo(1, 9);
  });
});

describe('measureQuality', () => {
  it('measures loudness, the silences at both ends and in total, in one run', async () => {
    const file = await makeAudio(join(await dir(), 'a.wav'), toneBetweenSilences(0.7, 1.5, 0.4));
    const m = await measureQuality(runner, file, options);
    // the gate's 400 ms blocks straddle the edges of the tone: within 1 LU
    expect(Math.abs((m.integratedLufs ?? 0) - SINE_LUFS)).toBeLessThan(1);
    expect(m.durationSeconds).toBeCloseTo(2.6, 2);
    expect(m.leadingSilenceSeconds).toBeCloseTo(0.7, 1);
    expect(m.trailingSilenceSeconds).toBeCloseTo(0.4, 1);
    expect(m.silentSeconds).toBeCloseTo(1.1, 1);
    expect(m.samplePeak?.flatFactor).toBe(0);
  });

  it('sees full-scale runs in a clipped file', async () => {
    const file = await makeAudio(join(await dir(), 'clip.wav'), 'sine=f=1000:d=1,volume=20dB');
    const m = await measureQuality(runner, file, options);
    expect(m.truePeakDbtp).toBeGreaterThan(-0.1);
    expect(m.samplePeak?.peakDb).toBeGreaterThan(-0.01);
    expect(m.samplePeak?.flatFactor).toBeGreaterThan(0);
  });
});
