/**
 * ElevenLabs' character alignment (`characters` with `character_start_times_seconds` and
 * `character_end_times_seconds`, three parallel lists) turned into words: characters between
 * whitespace make a word, which starts when its first character starts and ends when its last
 * one ends. Pure and defensive: lists of the wrong type or length give no words, never a throw.
 */
import { isRecord } from '../is-record.js';
import { type TimedWord, toSeconds } from './word.js';

/** The words of an alignment object, or undefined when `value` is not one. */
export function alignmentWords(value: unknown): TimedWord[] | undefined {
  if (!isRecord(value)) return undefined;
  const { characters, character_start_times_seconds: starts, character_end_times_seconds: ends } = value;
  if (!Array.isArray(starts) || !Array.isArray(ends)) return undefined;
  const chars = typeof characters === 'string' ? [...characters] : characters;
  if (!Array.isArray(chars) || chars.length === 0 || chars.length !== starts.length || chars.length !== ends.length) return undefined;
  const words: TimedWord[] = [];
  let current: TimedWord | undefined;
  for (const [i, char] of chars.entries()) {
    const text = typeof char === 'string' ? char : '';
    if (text.trim() === '') {
      current = undefined;
      continue;
    }
    const start = toSeconds(starts[i]);
    const end = toSeconds(ends[i]);
    if (start === undefined || end === undefined) return undefined;
    if (current === undefined) {
      current = { text, start, end: Math.max(start, end) };
      words.push(current);
    } else {
      current.text += text;
      current.end = Math.max(current.end, end);
    }
  }
  return words.length > 0 ? words : undefined;
}
