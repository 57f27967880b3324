import { describe, expect, test } from 'vitest';
import type { ResolvedAsset } from '../../src/project.js';
import { MINIMAL_CONFIG, resolveTexts, where } from './helpers.js';

const CAST_CONFIG = [
  'version: 1',
  'include: ["audio/**/*.yaml"]',
  'defaults:',
  '  voice: { voice: Rachel, stability: 0.5, speed: 1.1 }',
  'cast:',
  '  captain: { voice: Charlotte, stability: 0.45 }',
  '  scout: { voice: Callum }',
  '',
].join('\n');

const byId = (assets: readonly ResolvedAsset[] | undefined) => Object.fromEntries((assets ?? []).map((a) => [a.id, a]));

function allDiagnostics(result: ReturnType<typeof resolveTexts>): string[] {
  return [...result.parseDiagnostics, ...result.diagnostics].map(where);
}

describe('cast and speaker', () => {
  test('asset > speaker > file defaults > config defaults; speaker is neither sent nor hashed', () => {
    const result = resolveTexts({
      config: CAST_CONFIG,
      specs: {
        'audio/a.yaml': [
          'defaults:',
          '  voice: { speed: 0.9, style: 0.2 }',
          'assets:',
          '  - { kind: voice, speaker: captain, text: Hi, out: a.mp3 }',
          '  - { kind: voice, speaker: captain, text: Hi, out: b.mp3, stability: 0.3 }',
          '  - { kind: voice, speaker: scout, voice: George, text: Hi, out: c.mp3 }',
        ].join('\n'),
      },
    });
    expect(allDiagnostics(result)).toEqual([]);
    const [a, b, c] = result.project?.assets ?? [];
    expect(a?.input).toEqual({ text: 'Hi', voice: 'Charlotte', stability: 0.45, speed: 0.9, style: 0.2 });
    expect(b?.input).toEqual({ text: 'Hi', voice: 'Charlotte', stability: 0.3, speed: 0.9, style: 0.2 });
    expect(c?.input).toEqual({ text: 'Hi', voice: 'George', stability: 0.5, speed: 0.9, style: 0.2 });
    expect(a?.input).not.toHaveProperty('speaker');
  });

  test("a spec file's cast entry replaces the config's of the same name, whole", () => {
    const result = resolveTexts({
      config: CAST_CONFIG,
      specs: {
        'audio/a.yaml': 'cast:\n  captain: { voice: Lily }\nassets:\n  - { kind: voice, speaker: captain, text: Hi, out: a.mp3 }\n',
        'audio/b.yaml': 'assets:\n  - { kind: voice, speaker: captain, text: Hi, out: b.mp3 }\n',
      },
    });
    expect(allDiagnostics(result)).toEqual([]);
    const [a, b] = result.project?.assets ?? [];
    // the config's stability 0.45 is not merged into the file's entry
    expect(a?.input).toMatchObject({ voice: 'Lily', stability: 0.5 });
    expect(b?.input).toMatchObject({ voice: 'Charlotte', stability: 0.45 });
  });

  test('an unknown speaker is an error at its value, with a "did you mean"; nothing else is said about the asset', () => {
    const result = resolveTexts({
      config: 'version: 1\ninclude: ["audio/**/*.yaml"]\ncast:\n  captain: { voice: Charlotte }\n',
      specs: { 'audio/a.yaml': 'assets:\n  - { kind: voice, speaker: captian, text: Hi, out: a.mp3 }\n' },
    });
    expect(allDiagnostics(result)).toEqual(['audio/a.yaml:2:29 E_UNKNOWN_SPEAKER [a.mp3] speaker']);
    expect(result.diagnostics[0]?.message).toBe('speaker: expected a name from cast (captain), found "captian" (did you mean "captain"?)');
    expect(result.project).toBeUndefined();
  });

  test('speaker on an effect is an error that says speakers are for voice lines', () => {
    const result = resolveTexts({
      config: CAST_CONFIG,
      specs: { 'audio/a.yaml': 'assets:\n  - { kind: effect, speaker: captain, text: Boom, out: a.mp3 }\n' },
    });
    expect(allDiagnostics(result)).toEqual(['audio/a.yaml:2:21 E_UNKNOWN_KEY [a.mp3] speaker']);
    expect(result.parseDiagnostics[0]?.message).toBe(
      'unknown key "speaker" (a speaker gives a voice line the voice parameters of its cast entry, and this asset is kind: effect)',
    );
  });
});

const SCENE = [
  'scenes:',
  '  - id: mine.entrance',
  '    lines:',
  '      - { speaker: scout, text: "The tracks go down.", out: mine/01.mp3 }',
  '      - { speaker: captain, text: "Then we are not the first.", out: mine/02.mp3 }',
  '      - { speaker: captain, text: "Lanterns low.", out: mine/03.mp3 }',
  '',
].join('\n');

describe('scenes', () => {
  test('lines are voice assets with ids <scene>.<n>, and their neighbours as previous_text and next_text', () => {
    const result = resolveTexts({ config: CAST_CONFIG, specs: { 'audio/mine.yaml': SCENE } });
    expect(allDiagnostics(result)).toEqual([]);
    const assets = result.project?.assets ?? [];
    expect(assets.map((a) => [a.id, a.kind, a.out])).toEqual([
      ['mine.entrance.1', 'voice', 'mine/01.mp3'],
      ['mine.entrance.2', 'voice', 'mine/02.mp3'],
      ['mine.entrance.3', 'voice', 'mine/03.mp3'],
    ]);
    const [first, middle, last] = assets;
    expect(first?.input).toEqual({
      text: 'The tracks go down.',
      voice: 'Callum',
      stability: 0.5,
      speed: 1.1,
      next_text: 'Then we are not the first.',
    });
    expect(middle?.input).toMatchObject({ previous_text: 'The tracks go down.', next_text: 'Lanterns low.', voice: 'Charlotte' });
    expect(last?.input).toMatchObject({ previous_text: 'Then we are not the first.' });
    expect(last?.input).not.toHaveProperty('next_text');
    expect(middle?.shaping).toEqual({
      written: { text: 'Then we are not the first.', previous_text: 'The tracks go down.', next_text: 'Lanterns low.' },
      lexicon: {},
      neighbours: ['previous_text', 'next_text'],
    });
    expect(middle?.source).toEqual({ file: 'audio/mine.yaml', line: 5, col: 9, index: 1 });
  });

  test('continuity: none sends each line alone; a line that sets previous_text or next_text keeps its own', () => {
    const none = resolveTexts({
      config: CAST_CONFIG,
      specs: { 'audio/mine.yaml': SCENE.replace('    lines:', '    continuity: none\n    lines:') },
    });
    expect(none.project?.assets.map((a) => Object.keys(a.input).filter((k) => k.endsWith('_text')))).toEqual([[], [], []]);
    const own = resolveTexts({
      config: CAST_CONFIG,
      specs: { 'audio/mine.yaml': SCENE.replace('"Lanterns low.",', '"Lanterns low.", previous_text: "(whispering)",') },
    });
    expect(own.project?.assets[2]?.input).toMatchObject({ previous_text: '(whispering)' });
    expect(own.project?.assets[1]?.input).toMatchObject({ next_text: 'Lanterns low.' });
  });

  test('precedence: line > scene > speaker > file defaults > config defaults; a line may set its own id', () => {
    const spec = [
      'defaults:',
      '  voice: { style: 0.3 }',
      'scenes:',
      '  - id: s',
      '    stability: 0.7',
      '    voice: George',
      '    lines:',
      '      - { speaker: captain, text: A, out: a.mp3 }',
      '      - { id: custom, kind: voice, speaker: captain, text: B, out: b.mp3, stability: 0.2 }',
    ].join('\n');
    const result = resolveTexts({ config: CAST_CONFIG, specs: { 'audio/s.yaml': spec } });
    expect(allDiagnostics(result)).toEqual([]);
    const assets = byId(result.project?.assets);
    // the scene's voice and stability win over the captain's, the file's style and config's speed fill in
    expect(assets['s.1']?.input).toMatchObject({ voice: 'George', stability: 0.7, style: 0.3, speed: 1.1 });
    expect(assets.custom?.input).toMatchObject({ voice: 'George', stability: 0.2 });
  });

  test('scenes may be declared in the config; lines take part in the uniqueness of ids and outs', () => {
    const result = resolveTexts({
      config: `${MINIMAL_CONFIG}scenes:\n  - id: c\n    lines:\n      - { text: Hi, out: a.mp3 }\n`,
      specs: { 'audio/a.yaml': 'assets:\n  - { id: c.1, kind: voice, text: Yo, out: A.mp3 }\n' },
    });
    expect(allDiagnostics(result)).toEqual(['audio/a.yaml:2:11 E_DUPLICATE_ID [c.1] id', 'audio/a.yaml:2:44 E_DUPLICATE_OUT [c.1] out']);
  });

  test('bad input: kind effect, duplicate scene ids, every problem of every line at once', () => {
    const spec = [
      'scenes:',
      '  - id: s',
      '    lines:',
      '      - { kind: effect, text: Boom, out: a.mp3 }',
      '      - { text: B, out: b.mp3, stability: 7 }',
      '      - { text: C, out: c.mp3, speaker: nobody }',
      '  - id: s',
      '    lines: []',
    ].join('\n');
    const result = resolveTexts({ config: CAST_CONFIG, specs: { 'audio/s.yaml': spec } });
    expect(allDiagnostics(result)).toEqual([
      'audio/s.yaml:4:17 E_ENUM [s.1] kind',
      'audio/s.yaml:5:43 E_RANGE [s.2] stability',
      'audio/s.yaml:6:41 E_UNKNOWN_SPEAKER [s.3] speaker',
      'audio/s.yaml:7:9 E_DUPLICATE_SCENE scenes.1.id',
    ]);
    const messages = [...result.parseDiagnostics, ...result.diagnostics].map((d) => d.message);
    expect(messages[0]).toContain('a scene line is a voice line');
    expect(messages[3]).toBe('id: expected a unique scene id, found "s", already the id of the scene at audio/s.yaml:2');
  });

  test('unknown keys in scenes and lines get a "did you mean", and effect parameters say where they belong', () => {
    const spec = 'scenes:\n  - id: s\n    continuty: none\n    lines:\n      - { text: A, out: a.mp3, stabilty: 0.5, loop: true }\n';
    const result = resolveTexts({ config: CAST_CONFIG, specs: { 'audio/s.yaml': spec } });
    expect(result.parseDiagnostics.map((d) => d.message)).toEqual([
      'unknown key "continuty" in scenes.0 (did you mean "continuity"?)',
      'unknown key "stabilty" (did you mean "stability"?)',
      'unknown key "loop" ("loop" is a parameter of effect assets, and this asset is kind: voice)',
    ]);
  });

  test('duplicate scene ids across files name the first place', () => {
    const scene = 'scenes:\n  - id: s\n    lines: []\n';
    const result = resolveTexts({ config: CAST_CONFIG, specs: { 'audio/a.yaml': scene, 'audio/b.yaml': scene } });
    expect(allDiagnostics(result)).toEqual(['audio/b.yaml:2:9 E_DUPLICATE_SCENE scenes.0.id']);
    expect(result.diagnostics[0]?.message).toContain('already the id of the scene at audio/a.yaml:2');
  });

  test('a file of scenes needs no assets list', () => {
    const result = resolveTexts({ config: CAST_CONFIG, specs: { 'audio/a.yaml': SCENE, 'audio/b.yaml': 'cast: {}\n' } });
    expect(allDiagnostics(result)).toEqual(['audio/b.yaml:1:1 E_REQUIRED assets']);
  });
});

describe('lexicon', () => {
  const config = `${CAST_CONFIG}lexicon:\n  Xyloth: ZY-loth\n  GUI: gooey\n`;

  test('whole words, case-sensitive, in text and the neighbours; the written text is kept; only used entries are recorded', () => {
    const spec = [
      'lexicon:',
      '  GUI: G-U-I',
      'scenes:',
      '  - id: s',
      '    lines:',
      '      - { text: "Xyloth waits. Xyloths, xyloth, XylothX.", out: a.mp3 }',
      '      - { text: "Open the GUI.", out: b.mp3 }',
    ].join('\n');
    const result = resolveTexts({ config, specs: { 'audio/s.yaml': spec } });
    expect(allDiagnostics(result)).toEqual([]);
    const [a, b] = result.project?.assets ?? [];
    expect(a?.input.text).toBe('ZY-loth waits. Xyloths, xyloth, XylothX.');
    expect(a?.input.next_text).toBe('Open the G-U-I.');
    expect(a?.writtenText).toBe('Xyloth waits. Xyloths, xyloth, XylothX.');
    expect(a?.shaping?.lexicon).toEqual({ GUI: 'G-U-I', Xyloth: 'ZY-loth' });
    expect(b?.input.previous_text).toBe('ZY-loth waits. Xyloths, xyloth, XylothX.');
    expect(b?.input.text).toBe('Open the G-U-I.');
    expect(b?.writtenText).toBe('Open the GUI.');
  });

  test('lines that use no entry are sent as written, with nothing extra recorded', () => {
    const result = resolveTexts({ config, specs: { 'audio/a.yaml': 'assets:\n  - { kind: voice, text: Hello there, out: a.mp3 }\n' } });
    const [a] = result.project?.assets ?? [];
    expect(a?.input.text).toBe('Hello there');
    expect(a?.shaping).toBeUndefined();
    expect(a?.writtenText).toBe('Hello there');
  });

  test('effects are not respelled', () => {
    const result = resolveTexts({ config, specs: { 'audio/a.yaml': 'assets:\n  - { kind: effect, text: Xyloth roars, out: a.mp3 }\n' } });
    expect(result.project?.assets[0]?.input.text).toBe('Xyloth roars');
  });

  test('text the lexicon lengthens past 5000 characters is an error on the asset', () => {
    const text = 'Xyloth '.repeat(700).trim();
    const result = resolveTexts({ config, specs: { 'audio/a.yaml': `assets:\n  - { kind: voice, text: "${text}", out: a.mp3 }\n` } });
    expect(allDiagnostics(result)).toEqual(['audio/a.yaml:2:5 E_TOO_LONG [a.mp3] text']);
    expect(result.diagnostics[0]?.message).toBe(
      "text: expected at most 5000 characters as sent, found 5599 after the lexicon's respellings",
    );
  });

  test('a key that is not a single word is an error at the key', () => {
    const result = resolveTexts({
      config: 'version: 1\ninclude: ["audio/**/*.yaml"]\n',
      specs: { 'audio/a.yaml': 'lexicon:\n  Xyloth: ZY-loth\n  "two words": x\n  ok: ""\nassets: []\n' },
    });
    expect(allDiagnostics(result)).toEqual(['audio/a.yaml:3:3 E_LEXICON_KEY lexicon.two words', 'audio/a.yaml:4:7 E_RANGE lexicon.ok']);
    expect(result.parseDiagnostics[0]?.message).toBe(
      'lexicon.two words: expected a single word as a lexicon key (letters and digits, with - or \' inside), found "two words"',
    );
  });
});
