/**
 * silencedetect's output parsed (captured text), the edge arithmetic, and detectSilence on files
 * with silences of known length made by ffmpeg itself.
 */
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { detectSilence, edgeSilence, parseSilenceDetect } from '../../src/ffmpeg/silence.js';
import { createTempDir } from '../helpers/temp-dir.js';
import { makeAudio, runner, toneBetweenSilences } from './make-audio.js';

/** ffmpeg 4.1, a tone from 1 s to 2.5 s in a 3.2 s file */
const CAPTURED = `[silencedetect @ 0x3b1cd780] silence_start: 0
[silencedetect @ 0x3b1cd780] silence_end: 1.00002 | silence_duration: 1.00002
[silencedetect @ 0x3b1cd780] silence_start: 2.5
[silencedetect @ 0x3b1cd780] silence_end: 3.2 | silence_duration: 0.7
`;

describe('parseSilenceDetect', () => {
  it('pairs starts and ends', () => {
    expect(parseSilenceDetect(CAPTURED)).toEqual([
      { start: 0, end: 1.00002 },
      { start: 2.5, end: 3.2 },
    ]);
  });

  it('leaves a silence open when ffmpeg did not close it, and reads negative starts as 0', () => {
    expect(parseSilenceDetect('silence_start: -0.00133333\nsilence_end: 0.5 | silence_duration: 0.5\nsilence_start: 2.25\n')).toEqual([
      { start: 0, end: 0.5 },
      { start: 2.25 },
    ]);
  });
});

describe('edgeSilence', () => {
  it('counts only silence that touches an end', () => {
    expect(edgeSilence(parseSilenceDetect(CAPTURED), 3.2)).toEqual({ leadingSeconds: 1.00002, trailingSeconds: expect.closeTo(0.7, 6) });
    expect(edgeSilence([{ start: 1, end: 1.5 }], 3)).toEqual({ leadingSeconds: 0, trailingSeconds: 0 });
    expect(edgeSilence([{ start: 0, end: 0.2 }, { start: 2.5 }], 3)).toEqual({ leadingSeconds: 0.2, trailingSeconds: 0.5 });
    expect(edgeSilence([], 3)).toEqual({ leadingSeconds: 0, trailingSeconds: 0 });
  });

  it('a silent file is silent at both ends', () => {
    expect(edgeSilence([{ start: 0, end: 2 }], 2)).toEqual({ leadingSeconds: 2, trailingSeconds: 2 });
  });
});

describe('detectSilence', () => {
  it('finds 1 s of silence at the start and 0.5 s at the end', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = await makeAudio(join(dir, 'line.wav'), toneBetweenSilences(1, 1.5, 0.5));
    const report = await detectSilence(runner, file);
    expect(report.durationSeconds).toBeCloseTo(3, 2);
    expect(Math.abs(report.leadingSeconds - 1)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(report.trailingSeconds - 0.5)).toBeLessThanOrEqual(0.01);
  });

  it('finds no edge silence in a tone', async () => {
    const dir = await createTempDir(onTestFinished);
    const file = await makeAudio(join(dir, 'tone.ogg'), 'sine=f=440:d=1', ['-c:a', 'libvorbis']);
    expect(await detectSilence(runner, file)).toMatchObject({ leadingSeconds: 0, trailingSeconds: 0 });
  });
});
