/**
 * Subtitle cues from timed words, by the rules broadcasters and game localization teams use: at
 * most two lines of at most 42 characters, each cue on screen for 1 to 7 seconds, and a new cue
 * after the end of a sentence when the cue has been up long enough to be read. The text is the
 * line as written (before the lexicon): the written words take the times of the spoken ones,
 * one to one when they are as many, else spread proportionally. Pure.
 */
import type { TimedWord } from './word.js';

export interface Cue {
  /** seconds */
  start: number;
  end: number;
  /** one or two lines joined with "\n" */
  text: string;
}

export const MAX_LINE_CHARS = 42;
export const MAX_LINES = 2;
export const MIN_CUE_SECONDS = 1;
export const MAX_CUE_SECONDS = 7;

/**
 * Cues for `text` spoken as `words` in audio `duration` seconds long. With no words (no timing
 * data), one cue spans the audio. Every time lies inside [0, duration].
 */
export function buildCues(text: string, words: readonly TimedWord[], duration: number): Cue[] {
  const written = text.split(/\s+/).filter((w) => w !== '');
  if (written.length === 0) return [];
  const timed = alignWrittenWords(text, words, duration);
  if (timed.length === 0) return [{ start: 0, end: round(duration), text: wrapLines(written.join(' ')) }];
  const groups = groupWords(timed);
  return groups.map((group, i) => {
    const first = group[0] as TimedWord;
    const last = group[group.length - 1] as TimedWord;
    const next = groups[i + 1]?.[0]?.start ?? duration;
    const start = first.start;
    // at least MIN_CUE_SECONDS on screen where the next cue and the audio leave room, at most MAX
    const end = Math.min(Math.max(last.end, start + MIN_CUE_SECONDS), next, duration, start + MAX_CUE_SECONDS);
    return { start: round(start), end: round(Math.max(end, start)), text: wrapLines(group.map((w) => w.text).join(' ')) };
  });
}

/** The words of `text` as written with the spoken words' times, clamped into the audio; none without spoken words. */
export function alignWrittenWords(text: string, spoken: readonly TimedWord[], duration: number): TimedWord[] {
  const written = text.split(/\s+/).filter((w) => w !== '');
  if (spoken.length === 0) return [];
  const clamp = (t: number) => Math.min(Math.max(t, 0), duration);
  if (written.length === spoken.length) {
    return written.map((text, i) => {
      const w = spoken[i] as TimedWord;
      return { text, start: clamp(w.start), end: clamp(w.end) };
    });
  }
  // different counts (the lexicon turned one word into two, or the API split punctuation off)
  // written word i takes the spoken words its share of the line covers: [ceil(i·n/w), ceil((i+1)·n/w) - 1]
  const n = spoken.length;
  return written.map((text, i) => {
    const last = Math.max(0, Math.ceil(((i + 1) * n) / written.length) - 1);
    const first = Math.min(Math.ceil((i * n) / written.length), last);
    const from = spoken[first] as TimedWord;
    const to = spoken[last] as TimedWord;
    return { text, start: clamp(from.start), end: clamp(Math.max(from.end, to.end)) };
  });
}

/** Words grouped into cues: each fits two lines and seven seconds; sentences end cues that have been up a second. */
function groupWords(words: readonly TimedWord[]): TimedWord[][] {
  const groups: TimedWord[][] = [];
  let current: TimedWord[] = [];
  for (const word of words) {
    const first = current[0];
    if (first !== undefined) {
      const candidate = [...current, word].map((w) => w.text).join(' ');
      const tooLong = !fitsLines(candidate) || word.end - first.start > MAX_CUE_SECONDS;
      const prev = current[current.length - 1] as TimedWord;
      const sentenceEnd = /[.!?…]["»”')\]]*$/.test(prev.text) && prev.end - first.start >= MIN_CUE_SECONDS;
      if (tooLong || sentenceEnd) {
        groups.push(current);
        current = [];
      }
    }
    current.push(word);
  }
  if (current.length > 0) groups.push(current);
  return mergeShortGroups(groups);
}

/**
 * A cue shorter than MIN_CUE_SECONDS ("Fresh ones." after a sentence, at the end of a short line)
 * cannot be read: it joins the cue before it, or else the one after it, where the two still fit
 * two lines and seven seconds.
 */
function mergeShortGroups(groups: TimedWord[][]): TimedWord[][] {
  const merged: TimedWord[][] = [];
  for (const group of groups) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && (isShort(group) || isShort(previous)) && fitsOneCue([...previous, ...group])) {
      merged[merged.length - 1] = [...previous, ...group];
    } else merged.push(group);
  }
  return merged;
}

function isShort(group: readonly TimedWord[]): boolean {
  return spanOf(group) < MIN_CUE_SECONDS;
}

function fitsOneCue(group: readonly TimedWord[]): boolean {
  return fitsLines(group.map((w) => w.text).join(' ')) && spanOf(group) <= MAX_CUE_SECONDS;
}

function spanOf(group: readonly TimedWord[]): number {
  return (group[group.length - 1] as TimedWord).end - (group[0] as TimedWord).start;
}

/** Whether `text` wraps into at most MAX_LINES lines of at most MAX_LINE_CHARS. */
function fitsLines(text: string): boolean {
  const lines = wrapLines(text).split('\n');
  return lines.length <= MAX_LINES && lines.every((line) => line.length <= MAX_LINE_CHARS);
}

/**
 * `text` on as few lines as fit MAX_LINE_CHARS, broken at spaces; two lines are balanced (the
 * break that makes the longer line shortest), as subtitle guidelines prefer. A word longer than a
 * line stays whole.
 */
export function wrapLines(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const words = text.split(' ');
  let best: string[] | undefined;
  for (let i = 1; i < words.length; i++) {
    const lines = [words.slice(0, i).join(' '), words.slice(i).join(' ')];
    const longest = Math.max(...lines.map((l) => l.length));
    if (longest <= MAX_LINE_CHARS && (best === undefined || longest < Math.max(...best.map((l) => l.length)))) best = lines;
  }
  if (best !== undefined) return best.join('\n');
  // more than two lines' worth (a fallback cue holding a long line): fill lines greedily
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > MAX_LINE_CHARS) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Milliseconds are what subtitle formats keep; rounded down, so that no time passes the end of the audio. */
function round(seconds: number): number {
  return Math.floor(seconds * 1000 + 1e-6) / 1000;
}
