/** The placeholder test signal's arguments: pure, so checked without running ffmpeg (the build tests run them). */
import { describe, expect, it } from 'vitest';
import { describeOutputFormat, SPEECH_FORMAT } from '../../src/audio/format.js';
import { placeholderPitch, testSignalArgs } from '../../src/ffmpeg/test-signal.js';

describe('testSignalArgs', () => {
  it('writes the asset’s own encoding at its rate, with bitexact output options after the input', () => {
    const args = testSignalArgs({ kind: 'effect', durationSeconds: 1.5, format: describeOutputFormat('opus_48000_96') }, '/tmp/x.ogg');
    const input = args.indexOf('-i');
    expect(args.slice(input)).toEqual(
      expect.arrayContaining(['-fflags', '+bitexact', '-c:a', 'libopus', '-b:a', '96k', '-ar', '48000', '-f', 'ogg']),
    );
    expect(args.indexOf('-fflags')).toBeGreaterThan(input);
    expect(args[input + 1]).toMatch(/^anoisesrc=d=1\.5:c=pink:r=48000:.*seed=\d+,afade=t=in:d=0\.01,afade=t=out:st=1\.49:d=0\.01$/);
    expect(args.at(-1)).toBe('file:/tmp/x.ogg');
  });

  it('escapes the speech envelope’s commas from the filtergraph, at the voice’s pitch', () => {
    const args = testSignalArgs({ kind: 'speech', durationSeconds: 2, format: SPEECH_FORMAT, pitchHz: 150 }, '/tmp/x.mp3');
    const source = args[args.indexOf('-i') + 1] ?? '';
    expect(source.startsWith('aevalsrc=')).toBe(true);
    expect(source).toContain('sin(2*PI*150*t)');
    // the only unescaped commas join the fades
    expect(source.split(/(?<!\\),/)).toHaveLength(3);
    expect(args).toEqual(expect.arrayContaining(['libmp3lame', '128k', '44100']));
  });

  it('gives each voice a steady pitch in the speaking range', () => {
    const pitches = ['Rachel', 'Adam', 'Bella', 'Josh'].map(placeholderPitch);
    expect(pitches).toEqual(['Rachel', 'Adam', 'Bella', 'Josh'].map(placeholderPitch));
    for (const p of pitches) expect(p >= 110 && p <= 260).toBe(true);
    expect(new Set(pitches).size).toBeGreaterThan(1);
  });
});
