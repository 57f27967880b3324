/**
 * Pure: timing data made for a raw take, moved onto the output post-processing derived from it.
 * Trimming removed `offset` seconds from the start, so every time moves earlier by that much,
 * and nothing may outlast the output (`duration`): times are clamped into [0, duration].
 */
import type { TimingsDoc } from './timings-doc.js';

export function shiftTimings(doc: TimingsDoc, offset: number, duration: number): TimingsDoc {
  const at = (t: number) => Math.min(duration, Math.max(0, Number((t - offset).toFixed(3))));
  return { ...doc, duration, words: doc.words.map((w) => ({ ...w, start: at(w.start), end: at(w.end) })) };
}
