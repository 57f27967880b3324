import { describe, expect, it } from 'vitest';
import { findTimings } from '../../src/timings/find-timings.js';

const ALIGNMENT = {
  characters: ['H', 'i', ' ', 'y', 'o', 'u'],
  character_start_times_seconds: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
  character_end_times_seconds: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
};
const WORDS = [
  { text: 'Hi', start: 0.1, end: 0.3 },
  { text: 'you', start: 0.4, end: 0.7 },
];

describe('findTimings: every shape the contract lists', () => {
  it.each([
    ['alignment at the top', { resultUrls: ['u'], alignment: ALIGNMENT }, ALIGNMENT],
    ['normalized_alignment at the top', { normalized_alignment: ALIGNMENT }, ALIGNMENT],
    ['a bare alignment under resultObject', { resultObject: ALIGNMENT }, ALIGNMENT],
    ['alignment one level down (resultObject)', { resultObject: { alignment: ALIGNMENT } }, ALIGNMENT],
    ['alignment one level down (data)', { data: { normalized_alignment: ALIGNMENT } }, ALIGNMENT],
    ['alignment two levels down', { data: { result: { alignment: ALIGNMENT } } }, ALIGNMENT],
  ])('character alignment: %s', (_, resultJson, raw) => {
    expect(findTimings(resultJson)).toEqual({ raw, words: WORDS });
  });

  it('prefers alignment (the text as written) over normalized_alignment', () => {
    const normalized = { ...ALIGNMENT, characters: ['h', 'i', ' ', 'y', 'o', 'u'] };
    expect(findTimings({ normalized_alignment: normalized, alignment: ALIGNMENT })?.words[0]?.text).toBe('Hi');
  });

  it('accepts characters as one string', () => {
    expect(findTimings({ alignment: { ...ALIGNMENT, characters: 'Hi you' } })?.words).toEqual(WORDS);
  });

  const wordList = (keys: { text: string; start: string; end: string }) =>
    WORDS.map((w) => ({ [keys.text]: w.text, [keys.start]: w.start, [keys.end]: w.end }));

  it.each([
    ['words of {text, start_time, end_time}', { words: wordList({ text: 'text', start: 'start_time', end: 'end_time' }) }],
    ['words of {word, start, end}', { words: wordList({ text: 'word', start: 'start', end: 'end' }) }],
    ['timestamps of {word, start, end}', { timestamps: wordList({ text: 'word', start: 'start', end: 'end' }) }],
    ['timestamps of {text, start_time, end_time}', { timestamps: wordList({ text: 'text', start: 'start_time', end: 'end_time' }) }],
    ['an object under timestamps holding words', { timestamps: { words: wordList({ text: 'word', start: 'start', end: 'end' }) } }],
    ['words under resultObject', { resultObject: { words: wordList({ text: 'text', start: 'start_time', end: 'end_time' }) } }],
    ['timestamps two levels down', { data: { output: { timestamps: wordList({ text: 'word', start: 'start', end: 'end' }) } } }],
  ])('word lists: %s', (_, resultJson) => {
    expect(findTimings(resultJson)?.words).toEqual(WORDS);
  });

  it('keeps raw as the API returned it', () => {
    const words = wordList({ text: 'word', start: 'start', end: 'end' });
    expect(findTimings({ timestamps: words })?.raw).toBe(words);
  });

  it('reads resultJson given as a JSON string, and nested JSON strings', () => {
    expect(findTimings(JSON.stringify({ alignment: ALIGNMENT }))?.words).toEqual(WORDS);
    expect(findTimings({ resultObject: JSON.stringify({ alignment: ALIGNMENT }) })?.words).toEqual(WORDS);
  });

  it('skips spacing entries and sorts words by time', () => {
    const words = [
      { text: 'you', start: 0.4, end: 0.7 },
      { text: ' ', start: 0.3, end: 0.4, type: 'spacing' },
      { text: 'Hi', start: 0.1, end: 0.3 },
    ];
    expect(findTimings({ words })?.words).toEqual(WORDS);
  });
});

describe('findTimings is defensive', () => {
  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string that is not JSON', 'no timings here'],
    ['a number', 42],
    ['only result URLs', { resultUrls: ['https://x/a.mp3'] }],
    ['lists of different lengths', { alignment: { ...ALIGNMENT, character_end_times_seconds: [0.2] } }],
    ['times that are not numbers', { alignment: { ...ALIGNMENT, character_start_times_seconds: ALIGNMENT.characters.map(() => 'soon') } }],
    ['negative times', { alignment: { ...ALIGNMENT, character_start_times_seconds: ALIGNMENT.characters.map(() => -1) } }],
    ['words without times', { words: [{ text: 'Hi' }, { word: 'you', start: 'x' }] }],
    ['words of the wrong type', { words: 'Hi you', timestamps: 3 }],
    ['an empty word list', { words: [] }],
    ['timing data three levels down', { a: { b: { c: { alignment: ALIGNMENT } } } }],
  ])('%s: no timing data, no throw', (_, resultJson) => {
    expect(findTimings(resultJson)).toBeUndefined();
  });

  it('times given as numeric strings count', () => {
    expect(findTimings({ words: [{ text: 'Hi', start: '0.1', end: '0.3' }] })?.words).toEqual([WORDS[0]]);
  });
});
