import { describe, expect, it } from 'vitest';
import { durationOf, PEAK_BINS, peaksOf } from '../../src/audio/peaks.js';

describe('peaksOf', () => {
  it('takes the loudest sample of each equal stretch, from 0 to 1', () => {
    const samples = new Int16Array(400);
    samples[10] = -16384; // first quarter: half scale, negative
    samples[250] = 32767; // third quarter: full scale
    expect(peaksOf(samples, 4)).toEqual([0.5, 0, 1, 0]);
  });

  it('gives PEAK_BINS bins, fewer for fewer samples, none for silence of no length', () => {
    expect(peaksOf(new Int16Array(8000))).toHaveLength(PEAK_BINS);
    expect(peaksOf(new Int16Array(3))).toEqual([0, 0, 0]);
    expect(peaksOf(new Int16Array(0))).toEqual([]);
  });
});

describe('durationOf', () => {
  it('is to the millisecond', () => {
    expect(durationOf(12_345, 8000)).toBe(1.543);
    expect(durationOf(0, 8000)).toBe(0);
  });
});
