import { describe, expect, test } from 'vitest';
import { specHash } from '../../src/spec/hash.js';
import { MINIMAL_CONFIG, resolveTexts, where } from './helpers.js';

const CONFIG = `${MINIMAL_CONFIG}post:
  voice: { loudness: -23, truePeak: -1, format: ogg }
  effect: { loudness: -20 }
`;

describe('post: on assets', () => {
  test('asset > file > config, key by key; the chain decides the extension; none turns it off below it', () => {
    const result = resolveTexts({
      config: CONFIG,
      specs: {
        'audio/a.yaml': [
          'post:',
          '  voice: { loudness: -18 }',
          'assets:',
          '  - { id: a, kind: voice, text: Hi, out: a.ogg, post: { sampleRate: 48000 } }',
          '  - { id: b, kind: voice, text: Hi, out: b.mp3, post: none }',
          '  - { id: c, kind: effect, text: Boom, out: c.wav }',
          '  - { id: d, kind: effect, text: Boom, out: d.mp3, output_format: mp3_44100_128 }',
        ].join('\n'),
      },
    });
    expect(result.diagnostics).toEqual([]);
    const byId = new Map(result.project?.assets.map((a) => [a.id, a]));
    expect(byId.get('a')?.post).toEqual({ loudness: -18, truePeak: -1, format: 'ogg', sampleRate: 48000 });
    expect(byId.get('b')?.post).toBeUndefined();
    // an effect's raw take is MP3 by default: its chain writes the .wav out asks for
    expect(byId.get('c')?.post).toEqual({ loudness: -20, format: 'wav' });
    expect(byId.get('d')?.post).toEqual({ loudness: -20, format: 'mp3' });
  });

  test('post is not in the spec hash', () => {
    const spec = (post: string) => ({ 'audio/a.yaml': `assets:\n  - { id: a, kind: voice, text: Hi, out: a.wav, post: ${post} }\n` });
    const [one] = resolveTexts({ config: MINIMAL_CONFIG, specs: spec('{ loudness: -23 }') }).project?.assets ?? [];
    const [two] = resolveTexts({ config: MINIMAL_CONFIG, specs: spec('{ loudness: -18 }') }).project?.assets ?? [];
    expect(one && specHash(one.model, one.input)).toBe(two && specHash(two.model, two.input));
  });

  test('a format that out contradicts is E_POST where the format was written, or at out', () => {
    const result = resolveTexts({
      config: CONFIG,
      specs: {
        'audio/a.yaml': [
          'assets:',
          '  - { id: a, kind: voice, text: Hi, out: a.wav }',
          '  - { id: b, kind: voice, text: Hi, out: b.ogg, post: { format: mp3 } }',
          '  - { id: c, kind: effect, text: Boom, out: c.aac }',
          '  - { id: d, kind: voice, text: Hi, out: d.mp3, post: { format: mp3, sampleRate: 96000 } }',
        ].join('\n'),
      },
    });
    expect(result.project).toBeUndefined();
    expect(result.diagnostics.map((d) => `${where(d)}: ${d.message}`)).toEqual([
      'audio/a.yaml:3:65 E_POST [b] post.format: post.format: mp3 writes .mp3 files, so out must end in .mp3, found "b.ogg"',
      'audio/a.yaml:4:45 E_POST [c] out: out: post-processing writes wav, ogg, mp3 or flac, and "c.aac" is none of them: set format, or give out one of those extensions',
      'audio/a.yaml:5:82 E_POST [d] post.sampleRate: post.sampleRate: MP3 has no 96000 Hz; expected one of 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000',
      'kieaudio.config.yaml:6:49 E_POST [a] post.voice.format: post.voice.format: ogg writes .ogg files, so out must end in .ogg, found "a.wav"',
    ]);
  });

  test("a scene's lines take post: like assets (the scene itself does not)", () => {
    const result = resolveTexts({
      config: CONFIG,
      specs: {
        'audio/s.yaml': [
          'scenes:',
          '  - id: s',
          '    lines:',
          '      - { text: A, out: a.ogg }',
          '      - { text: B, out: b.wav, post: { format: wav, loudness: -18 } }',
        ].join('\n'),
      },
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.project?.assets.map((a) => [a.id, a.post])).toEqual([
      ['s.1', { loudness: -23, truePeak: -1, format: 'ogg' }],
      ['s.2', { loudness: -18, truePeak: -1, format: 'wav' }],
    ]);
  });
});
