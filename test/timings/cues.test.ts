import { parseSync } from 'subtitle';
import { describe, expect, it } from 'vitest';
import { alignWrittenWords, buildCues, MAX_LINE_CHARS, wrapLines } from '../../src/timings/cues.js';
import { subtitleText } from '../../src/timings/subtitle-text.js';
import type { TimedWord } from '../../src/timings/word.js';

/** Words spoken back to back, `seconds` each, from `at`. */
function spoken(text: string, seconds = 0.3, at = 0): TimedWord[] {
  const t = (x: number) => Math.round(x * 1000) / 1000;
  return text.split(' ').map((word, i) => ({ text: word, start: t(at + i * seconds), end: t(at + (i + 1) * seconds) }));
}

const LONG =
  'The tracks go straight down into the old mine. Fresh ones, too, and they are not ours. ' +
  'Keep your lanterns low, stay close to the wall, and whatever happens down there, nobody speaks a word until I say so.';

describe('buildCues', () => {
  it('keeps every cue to two lines of 42 characters, 1 to 7 seconds, inside the audio, in order', () => {
    const words = spoken(LONG, 0.4);
    const duration = (words.at(-1)?.end ?? 0) + 0.2;
    const cues = buildCues(LONG, words, duration);
    expect(cues.length).toBeGreaterThan(3);
    for (const [i, cue] of cues.entries()) {
      const lines = cue.text.split('\n');
      expect(lines.length).toBeLessThanOrEqual(2);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
      expect(cue.end - cue.start).toBeGreaterThanOrEqual(1);
      expect(cue.end - cue.start).toBeLessThanOrEqual(7);
      expect(cue.end).toBeLessThanOrEqual(duration);
      if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1]?.end ?? 0);
    }
    expect(cues.map((c) => c.text.replaceAll('\n', ' ')).join(' ')).toBe(LONG);
  });

  it('splits a cue at 7 seconds however short the words are', () => {
    const text = 'Slow words take their time';
    const cues = buildCues(text, spoken(text, 2), 10);
    expect(cues.map((c) => c.text)).toEqual(['Slow words take', 'their time']);
    expect(cues[0]).toMatchObject({ start: 0, end: 6 });
  });

  it('starts a new cue after a sentence that has been up a second', () => {
    const text = 'Lanterns low. Nobody speaks.';
    expect(buildCues(text, spoken(text, 0.6), 3).map((c) => c.text)).toEqual(['Lanterns low.', 'Nobody speaks.']);
    // a sentence too short to read on its own stays with the next
    expect(buildCues(text, spoken(text, 0.2), 3).map((c) => c.text)).toEqual([text]);
  });

  it('joins a sentence too short to read to the cue before it when the two fit one cue', () => {
    // "Fresh ones." alone would be 0.47 s on screen: the audio ends there
    const text = 'The tracks go straight down. Fresh ones.';
    const words = spoken(text, 0.28);
    const duration = words.at(-1)?.end ?? 0;
    expect(buildCues(text, words, duration).map((c) => c.text)).toEqual(['The tracks go straight down. Fresh ones.']);
    // two sentences that each stay up a second keep their own cues
    expect(buildCues(text, spoken(text, 0.6), 4.5).map((c) => c.text)).toEqual(['The tracks go straight down.', 'Fresh ones.']);
  });

  it('holds a short cue for a second where the audio leaves room, never past the audio', () => {
    expect(buildCues('Yes.', [{ text: 'Yes.', start: 0.1, end: 0.3 }], 2)).toEqual([{ start: 0.1, end: 1.1, text: 'Yes.' }]);
    expect(buildCues('Yes.', [{ text: 'Yes.', start: 0.1, end: 0.3 }], 0.5)).toEqual([{ start: 0.1, end: 0.5, text: 'Yes.' }]);
  });

  it('uses the written text with the spoken times (the lexicon may have changed the words)', () => {
    const cues = buildCues('Xyloth waits.', spoken('ZY-loth waits.', 0.5), 1.2);
    expect(cues).toEqual([{ start: 0, end: 1, text: 'Xyloth waits.' }]);
    // one written word spoken as two: spread proportionally, still the written words
    const words = alignWrittenWords('NPC ready', spoken('en pee ready', 0.3), 1);
    expect(words).toEqual([
      { text: 'NPC', start: 0, end: 0.6 },
      { text: 'ready', start: 0.6, end: 0.9 },
    ]);
    // more written words than spoken ones: they share the spoken word's time
    expect(alignWrittenWords('a b', [{ text: 'ab', start: 0.2, end: 0.4 }], 1)).toEqual([
      { text: 'a', start: 0.2, end: 0.4 },
      { text: 'b', start: 0.2, end: 0.4 },
    ]);
  });

  it('without timing data: one cue spanning the audio', () => {
    expect(buildCues('Then we are not the first.', [], 1.5)).toEqual([{ start: 0, end: 1.5, text: 'Then we are not the first.' }]);
  });

  it('clamps times the API put past the end of the audio', () => {
    const cues = buildCues(
      'Too late',
      [
        { text: 'Too', start: 0.5, end: 3 },
        { text: 'late', start: 3, end: 4 },
      ],
      2,
    );
    for (const cue of cues) expect(cue.end).toBeLessThanOrEqual(2);
  });
});

describe('wrapLines', () => {
  it('balances two lines', () => {
    const text = 'Keep your lanterns low, stay close to the wall';
    expect(wrapLines(text)).toBe('Keep your lanterns low,\nstay close to the wall');
  });

  it('leaves a line that fits alone', () => {
    expect(wrapLines('Short line.')).toBe('Short line.');
  });
});

describe('subtitleText', () => {
  const cues = [
    { start: 0.05, end: 1.5, text: 'The tracks go straight\ndown.' },
    { start: 1.6, end: 3.25, text: 'Fresh ones.' },
  ];

  it('writes SRT and WebVTT that parse back to the same cues', () => {
    for (const format of ['srt', 'vtt'] as const) {
      const text = subtitleText(cues, format);
      const parsed = parseSync(text).flatMap((n) => (n.type === 'cue' ? [n.data] : []));
      expect(parsed.map((c) => ({ start: c.start / 1000, end: c.end / 1000, text: c.text }))).toEqual(cues);
    }
    expect(subtitleText(cues, 'vtt')).toMatch(/^WEBVTT\n/);
    expect(subtitleText(cues, 'srt')).toContain('00:00:00,050 --> 00:00:01,500');
  });

  it('keeps markup characters and the timing arrow out of the cue text', () => {
    const tricky = [{ start: 0, end: 2, text: 'Press <A> & jump --> now.' }];
    const vtt = subtitleText(tricky, 'vtt');
    expect(vtt).toContain('Press &lt;A&gt; &amp; jump --&gt; now.');
    const srt = subtitleText(tricky, 'srt');
    expect(srt.split('\n').filter((line) => line.includes('-->'))).toHaveLength(1);
    const parsed = parseSync(srt).flatMap((n) => (n.type === 'cue' ? [n.data.text] : []));
    expect(parsed).toEqual(['Press <A> & jump -> now.']);
  });
});
