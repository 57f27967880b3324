/**
 * How long placeholder audio is, for the simulator's results and the audible placeholders of
 * `--offline` builds alike, so that the two (and the timing data the simulator serves) agree:
 * speech at a plausible speaking rate (15 characters a second, never shorter than half a second),
 * effects as long as their `duration_seconds` asks, or a fixed length when it asks none. Pure.
 */

export const PLACEHOLDER_LENGTHS = { speechCharsPerSecond: 15, minSpeechSeconds: 0.5, autoEffectSeconds: 2 } as const;

/** Seconds of speech for `text` (as sent to the API). */
export function placeholderSpeechSeconds(text: string): number {
  return Math.max(PLACEHOLDER_LENGTHS.minSpeechSeconds, text.length / PLACEHOLDER_LENGTHS.speechCharsPerSecond);
}

/** Seconds of an effect whose request has this `duration_seconds` (anything but a number: the model decides). */
export function placeholderEffectSeconds(durationSeconds: unknown): number {
  return typeof durationSeconds === 'number' ? durationSeconds : PLACEHOLDER_LENGTHS.autoEffectSeconds;
}
