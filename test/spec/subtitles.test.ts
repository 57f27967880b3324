import { describe, expect, test } from 'vitest';
import { specHash } from '../../src/spec/hash.js';
import { resolveTexts, where } from './helpers.js';

const CONFIG = ['version: 1', 'defaults:', '  voice: { voice: Rachel, timestamps: true, subtitles: [srt] }'].join('\n');

const all = (r: ReturnType<typeof resolveTexts>) => [...r.parseDiagnostics, ...r.diagnostics];

describe('the subtitles key', () => {
  test('comes down the defaults chain (asset > file > config), is never sent and never hashed', () => {
    const result = resolveTexts({
      config: CONFIG,
      specs: {
        'audio/a.yaml': [
          'defaults:',
          '  voice: { subtitles: [vtt, srt, vtt] }',
          'assets:',
          '  - { kind: voice, text: Hi, out: a.mp3 }',
          '  - { kind: voice, text: Hi, out: b.mp3, subtitles: [] }',
          '  - { kind: voice, text: Hi, out: c.mp3, subtitles: null }',
        ].join('\n'),
        'audio/b.yaml': 'assets:\n  - { kind: voice, text: Hi, out: d.mp3 }\n',
      },
    });
    expect(all(result)).toEqual([]);
    const assets = result.project?.assets ?? [];
    // in the order srt, vtt, without repeats; [] turns them off; null falls through
    expect(assets.map((a) => [a.out, a.subtitles])).toEqual([
      ['a.mp3', ['srt', 'vtt']],
      ['b.mp3', undefined],
      ['c.mp3', ['srt', 'vtt']],
      ['d.mp3', ['srt']],
    ]);
    const [a, b] = assets;
    expect(a?.input).toEqual({ text: 'Hi', voice: 'Rachel', timestamps: true });
    expect(a && b && specHash(a.model, a.input)).toBe(b && specHash(b.model, b.input));
  });

  test('needs timestamps: true, and says so where subtitles are set', () => {
    const result = resolveTexts({
      config: 'version: 1\ndefaults:\n  voice: { voice: Rachel }\n',
      specs: {
        'audio/a.yaml': [
          'assets:',
          '  - { id: one, kind: voice, text: Hi, out: a.mp3, subtitles: [srt] }',
          '  - { id: two, kind: voice, text: Hi, out: b.mp3, timestamps: false, subtitles: [vtt] }',
          '  - { id: three, kind: voice, text: Hi, out: c.mp3, timestamps: true, subtitles: [vtt] }',
        ].join('\n'),
      },
    });
    expect(all(result).map(where)).toEqual([
      'audio/a.yaml:2:62 E_SUBTITLES_TIMESTAMPS [one] subtitles',
      'audio/a.yaml:3:81 E_SUBTITLES_TIMESTAMPS [two] subtitles',
    ]);
    expect(all(result)[0]?.message).toContain('timestamps is not set');
    expect(all(result)[1]?.message).toContain('timestamps is false');
    expect(result.project).toBeUndefined();
  });

  test('on an effect, or in effect defaults, is an error: sound effects have no words', () => {
    const result = resolveTexts({
      config: 'version: 1\ndefaults:\n  effect: { subtitles: [srt] }\n',
      specs: { 'audio/a.yaml': 'assets:\n  - { id: boom, kind: effect, text: Boom, out: boom.mp3, subtitles: [srt] }\n' },
    });
    const diagnostics = all(result);
    expect(diagnostics.map(where).sort()).toEqual([
      'audio/a.yaml:2:58 E_SUBTITLES_EFFECT [boom] subtitles',
      'kieaudio.config.yaml:3:13 E_SUBTITLES_EFFECT defaults.effect.subtitles',
    ]);
    for (const d of diagnostics) expect(d.message).toContain('sound effects have no words');
  });

  test('values other than srt and vtt are errors with a hint', () => {
    const result = resolveTexts({
      config: CONFIG,
      specs: {
        'audio/a.yaml': [
          'assets:',
          '  - { id: one, kind: voice, text: Hi, out: a.mp3, subtitles: [SRT, ass] }',
          '  - { id: two, kind: voice, text: Hi, out: b.mp3, subtitles: vtt }',
        ].join('\n'),
      },
    });
    const messages = all(result).map((d) => `${where(d)}: ${d.message}`);
    expect(messages).toEqual([
      'audio/a.yaml:2:63 E_ENUM [one] subtitles.0: subtitles.0: expected "srt" or "vtt", found "SRT" (did you mean "srt"?)',
      'audio/a.yaml:2:68 E_ENUM [one] subtitles.1: subtitles.1: expected "srt" or "vtt", found "ass"',
      'audio/a.yaml:3:62 E_TYPE [two] subtitles: subtitles: expected a list of subtitle formats, found a single string (write it as [vtt])',
    ]);
  });
});
