/**
 * Pure: a scene file's cues from its lines' — each line's cues (cues.ts, from its timing data, or
 * one cue spanning it without) moved by where the line starts in the scene file.
 */
import { buildCues, type Cue } from './cues.js';
import type { TimedWord } from './word.js';

export interface SceneCueLine {
  /** the line as written (before the lexicon) */
  text: string;
  /** its timed words; empty when it has no timing data */
  words: readonly TimedWord[];
  /** seconds of audio */
  duration: number;
  /** where it starts in the scene file, seconds */
  start: number;
}

export function sceneCues(lines: readonly SceneCueLine[]): Cue[] {
  const at = (t: number) => Number(t.toFixed(3));
  return lines.flatMap((line) =>
    buildCues(line.text, line.words, line.duration).map((cue) => ({
      ...cue,
      start: at(cue.start + line.start),
      end: at(cue.end + line.start),
    })),
  );
}
