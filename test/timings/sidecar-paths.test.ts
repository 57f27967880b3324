import { describe, expect, it } from 'vitest';
import { sidecarsOf, stemOf } from '../../src/timings/sidecar-paths.js';
import { parseTimingsDoc, timingsDocText } from '../../src/timings/timings-doc.js';

describe('sidecarsOf', () => {
  it('names the timings with timestamps, and each subtitle format asked for', () => {
    expect(sidecarsOf({ out: 'npc/a.mp3', input: { timestamps: true }, subtitles: ['srt', 'vtt'] })).toEqual([
      { kind: 'timings', out: 'npc/a.timings.json' },
      { kind: 'srt', out: 'npc/a.srt' },
      { kind: 'vtt', out: 'npc/a.vtt' },
    ]);
    expect(sidecarsOf({ out: 'a.mp3', input: {} })).toEqual([]);
    expect(sidecarsOf({ out: 'a.mp3', input: { timestamps: false }, subtitles: [] })).toEqual([]);
  });

  it('cuts only the extension of the file name', () => {
    expect(stemOf('v1.2/line.mp3')).toBe('v1.2/line');
    expect(stemOf('a.b.mp3')).toBe('a.b');
    expect(stemOf('dir.x/noext')).toBe('dir.x/noext');
  });
});

describe('the .timings.json document', () => {
  const doc = { v: 1 as const, text: 'Hi you', duration: 1, words: [{ text: 'Hi', start: 0, end: 0.5 }], raw: { alignment: {} } };

  it('is deterministic JSON that reads back', () => {
    const text = timingsDocText(doc);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"duration"')).toBeLessThan(text.indexOf('"words"'));
    expect(parseTimingsDoc(text)).toEqual(doc);
    expect(timingsDocText({ ...doc, raw: undefined })).toContain('"raw": null');
  });

  it('anything else is no document', () => {
    expect(parseTimingsDoc('not json')).toBeUndefined();
    expect(parseTimingsDoc(JSON.stringify({ ...doc, v: 2 }))).toBeUndefined();
    expect(parseTimingsDoc(JSON.stringify({ ...doc, words: 'x' }))).toBeUndefined();
  });
});
