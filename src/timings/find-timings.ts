/**
 * Finding timing data in a task's `resultJson`. kie.ai does not document where it puts the word
 * timestamps of a voice line (docs/kie-api.md §8), so every plausible place is accepted: the
 * ElevenLabs character alignment (`characters` + `character_start_times_seconds` /
 * `character_end_times_seconds`, bare or under `alignment` / `normalized_alignment`), and word
 * lists of `{ word | text, start | start_time, end | end_time }` under `words` or `timestamps`
 * (or an object under `timestamps` that holds `words`), at the top of resultJson or one or two
 * levels down (`resultObject`, `data`, …). Pure: values of the wrong type are skipped, it never
 * throws, and a string is parsed as JSON first.
 */
import { isRecord } from '../is-record.js';
import { alignmentWords } from './alignment.js';
import { type TimedWord, toSeconds } from './word.js';

export interface FoundTimings {
  /** the timing data exactly as the API returned it: the alignment object or word list found */
  raw: unknown;
  /** in time order, each with non-empty text and start ≤ end */
  words: TimedWord[];
}

/** How far below the top of resultJson timing data is looked for. */
const MAX_DEPTH = 2;
/** Alignment keys, best first: `alignment` matches the text as written, `normalized_alignment` the text as spoken. */
const ALIGNMENT_KEYS = ['alignment', 'normalized_alignment'];
const WORD_LIST_KEYS = ['words', 'timestamps'];

export function findTimings(resultJson: unknown): FoundTimings | undefined {
  return search(parseIfString(resultJson), 0);
}

/**
 * What a result whose timing data is in no shape kieaudio knows keeps as `raw`: the whole
 * resultJson, parsed, but its download links (they expire, and are not timing data); null when
 * nothing else is there. Paid data that a later kieaudio may know how to read.
 */
export function unrecognisedRaw(resultJson: unknown): unknown {
  const parsed = parseIfString(resultJson);
  if (!isRecord(parsed)) return parsed === undefined || parsed === '' ? null : parsed;
  const { resultUrls: _urls, ...rest } = parsed;
  return Object.keys(rest).length === 0 ? null : rest;
}

function search(node: unknown, depth: number): FoundTimings | undefined {
  if (!isRecord(node)) return undefined;
  const here = timingsAt(node);
  if (here !== undefined) return here;
  if (depth >= MAX_DEPTH) return undefined;
  for (const value of Object.values(node)) {
    const found = search(parseIfString(value), depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Timing data held directly by `node`: an alignment (itself, or under a key), or a word list. */
function timingsAt(node: Record<string, unknown>): FoundTimings | undefined {
  for (const key of ALIGNMENT_KEYS) {
    const words = alignmentWords(node[key]);
    if (words !== undefined) return found(node[key], words);
  }
  const bare = alignmentWords(node);
  if (bare !== undefined) return found(node, bare);
  for (const key of WORD_LIST_KEYS) {
    const value = node[key];
    const list = isRecord(value) && Array.isArray(value.words) ? value.words : value;
    const words = wordList(list);
    if (words !== undefined) return found(value, words);
  }
  return undefined;
}

function found(raw: unknown, words: TimedWord[]): FoundTimings {
  return { raw, words: [...words].sort((a, b) => a.start - b.start) };
}

/** A list of word objects; entries without text or times are skipped; undefined when none is usable. */
function wordList(value: unknown): TimedWord[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const words: TimedWord[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    const text = firstString(item.word, item.text);
    const start = toSeconds(item.start ?? item.start_time ?? item.startTime);
    const end = toSeconds(item.end ?? item.end_time ?? item.endTime);
    if (text === undefined || start === undefined || end === undefined) continue;
    words.push({ text, start, end: Math.max(start, end) });
  }
  return words.length > 0 ? words : undefined;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function parseIfString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text);
  } catch {
    return value;
  }
}
