/**
 * A waveform as the review page draws it: the loudest sample of each of `bins` equal stretches of
 * the audio, from 0 to 1, rounded to two digits so that the page stays small (5,000 rows of 120
 * bins is a few MB). Pure.
 */

export const PEAK_BINS = 120;

export function peaksOf(samples: Int16Array, bins = PEAK_BINS): number[] {
  if (samples.length === 0) return [];
  const count = Math.min(bins, samples.length);
  const peaks: number[] = [];
  for (let bin = 0; bin < count; bin++) {
    const start = Math.floor((bin * samples.length) / count);
    const end = Math.floor(((bin + 1) * samples.length) / count);
    let max = 0;
    for (let i = start; i < end; i++) max = Math.max(max, Math.abs(samples[i] ?? 0));
    peaks.push(Math.round((max / 32768) * 100) / 100);
  }
  return peaks;
}

/** Length in seconds, to the millisecond: what the manifest records, the same on every machine. */
export function durationOf(sampleCount: number, rate: number): number {
  return Math.round((sampleCount / rate) * 1000) / 1000;
}
