/**
 * A word and when it is spoken, in seconds from the start of the audio: the one shape every kind
 * of timing data kie.ai may return is turned into (find-timings.ts), and what subtitle cues are
 * built from (cues.ts).
 */
export interface TimedWord {
  text: string;
  start: number;
  end: number;
}

/** A finite, non-negative number of seconds, or undefined. Strings of numbers count: some APIs send them. */
export function toSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}
