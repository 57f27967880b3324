import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { MANIFEST_COLUMNS, type ManifestRow } from '../../src/delivery/manifest-schema.js';
import { knownDurations, manifestCsv, manifestJson } from '../../src/delivery/manifest-text.js';

const row = (over: Partial<ManifestRow>): ManifestRow => ({
  id: 'a',
  kind: 'voice',
  out: 'audio/a.mp3',
  speaker: 'Smith',
  language: 'en',
  voice: 'George',
  text: 'Hello',
  durationSeconds: 1.25,
  loudnessLufs: -23.1,
  truePeakDb: -1.2,
  subtitles: ['audio/a.srt', 'audio/a.vtt'],
  sha256: 'a'.repeat(64),
  specHash: 'b'.repeat(64),
  ...over,
});

describe('manifest text', () => {
  it('writes JSON in the schema field order with a trailing newline', () => {
    const text = manifestJson([row({})]);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text).assets[0])).toEqual(MANIFEST_COLUMNS);
  });

  it('writes CSV that a CSV reader reads back: commas, quotes and line breaks in text, null as empty', () => {
    const tricky = 'He said, "run"\nthen <script>left</script>';
    const rows = [row({ text: tricky }), row({ id: 'b', kind: 'effect', speaker: null, voice: null, text: null, subtitles: null })];
    const records = parse(manifestCsv(rows), { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {})).toEqual(MANIFEST_COLUMNS);
    expect(records[0]).toMatchObject({ text: tricky, subtitles: 'audio/a.srt;audio/a.vtt', durationSeconds: '1.25' });
    expect(records[1]).toMatchObject({ speaker: '', voice: '', text: '', subtitles: '' });
  });

  it('reads the lengths back from either form, and nothing from a damaged file', () => {
    const rows = [row({}), row({ id: 'b', sha256: 'c'.repeat(64), durationSeconds: 0.5 })];
    const expected = new Map([
      ['a'.repeat(64), 1.25],
      ['c'.repeat(64), 0.5],
    ]);
    expect(knownDurations(manifestJson(rows), 'json')).toEqual(expected);
    expect(knownDurations(manifestCsv(rows), 'csv')).toEqual(expected);
    expect(knownDurations('{"version":1,"assets":[{"id":1}]}', 'json').size).toBe(0);
    expect(knownDurations('not json', 'json').size).toBe(0);
    expect(knownDurations(undefined, 'csv').size).toBe(0);
  });
});
