import { describe, expect, test } from 'vitest';
import type { ResolvedAsset } from '../../src/project.js';
import { sourceLock, type TranslatedText, type TranslationTable } from '../../src/spec/translations.js';
import { resolveTexts, where } from './helpers.js';

const TURBO = 'elevenlabs/text-to-speech-turbo-2-5';
const MULTILINGUAL = 'elevenlabs/text-to-speech-multilingual-v2';

function config(extra: string[] = []): string {
  return ['version: 1', 'include: ["audio/**/*.yaml"]', 'defaults:', '  voice: { voice: Rachel }', ...extra, ''].join('\n');
}

const L10N = ['languages: [en, de, fr]'];

function resolve(spec: string, options: { extra?: string[]; translations?: TranslationTable } = {}) {
  const result = resolveTexts({
    config: config(options.extra ?? L10N),
    specs: { 'audio/a.yaml': spec },
    ...(options.translations === undefined ? {} : { translations: options.translations }),
  });
  const diagnostics = [...result.parseDiagnostics, ...result.diagnostics];
  return { result, codes: diagnostics.map(where), messages: diagnostics.map((d) => d.message), byId: byId(result.project?.assets) };
}

const byId = (assets: readonly ResolvedAsset[] | undefined) => Object.fromEntries((assets ?? []).map((a) => [a.id, a]));

function table(rows: Record<string, Record<string, Omit<TranslatedText, 'at'> & { line?: number }>>): TranslationTable {
  const map = new Map<string, Map<string, TranslatedText>>();
  for (const [id, languages] of Object.entries(rows)) {
    const inner = new Map<string, TranslatedText>();
    for (const [language, { line, ...text }] of Object.entries(languages)) {
      inner.set(language, { ...text, at: { file: 'l10n/de.csv', line: line ?? 2, col: 3 } });
    }
    map.set(id, inner);
  }
  return map;
}

describe('text maps', () => {
  test('one output per language: ids <id>@<lang>, {lang} filled in, language_code sent on turbo', () => {
    const {
      codes,
      byId: assets,
      result,
    } = resolve(
      'assets:\n  - { id: inn.greet, kind: voice, text: { en: Welcome, de: Willkommen, fr: Bienvenue }, out: "{lang}/inn/greet.mp3" }\n',
    );
    expect(codes).toEqual([]);
    expect(result.project?.assets.map((a) => a.id)).toEqual(['inn.greet@en', 'inn.greet@de', 'inn.greet@fr']);
    expect(assets['inn.greet@de']).toMatchObject({
      out: 'de/inn/greet.mp3',
      model: TURBO,
      input: { text: 'Willkommen', voice: 'Rachel', language_code: 'de' },
      language: 'de',
      baseId: 'inn.greet',
      writtenText: 'Willkommen',
    });
    expect(assets['inn.greet@en']?.input.language_code).toBe('en');
  });

  test('multilingual v2 is sent no language_code; an asset that sets it on turbo keeps its own', () => {
    const { codes, byId: assets } = resolve(
      [
        'assets:',
        `  - { id: a, kind: voice, model: ${MULTILINGUAL}, text: { en: Hi, de: Hallo, fr: Salut }, out: "{lang}/a.mp3" }`,
        '  - { id: b, kind: voice, language_code: en, text: { en: Hi, de: Hallo, fr: Salut }, out: "{lang}/b.mp3" }',
      ].join('\n'),
    );
    expect(codes).toEqual([]);
    expect(assets['a@de']?.input).not.toHaveProperty('language_code');
    expect(assets['b@de']?.input.language_code).toBe('en');
  });

  test('a plain text without {lang} stays one output of the source language, sent as before', () => {
    const { codes, byId: assets } = resolve('assets:\n  - { id: a, kind: voice, text: Hi, out: a.mp3 }\n');
    expect(codes).toEqual([]);
    expect(assets.a).toMatchObject({ language: 'en', input: { text: 'Hi', voice: 'Rachel' } });
    expect(assets.a?.input).not.toHaveProperty('language_code');
    expect(assets.a).not.toHaveProperty('baseId');
  });

  test('a project without languages resolves as it did', () => {
    const { codes, byId: assets } = resolve('assets:\n  - { id: a, kind: voice, text: Hi, out: a.mp3 }\n', { extra: [] });
    expect(codes).toEqual([]);
    expect(assets.a).not.toHaveProperty('language');
  });
});

describe('bad input is reported where it is written', () => {
  test('a language the config does not ship', () => {
    const { codes } = resolve('assets:\n  - { id: a, kind: voice, text: { en: Hi, it: Ciao }, out: "{lang}/a.mp3" }\n');
    expect(codes).toContain('audio/a.yaml:2:47 E_LANGUAGE_NOT_SHIPPED [a] text.it');
  });

  test('{lang} missing from out with several languages', () => {
    const { codes } = resolve('assets:\n  - { id: a, kind: voice, text: { en: Hi, de: Hallo, fr: Salut }, out: a.mp3 }\n');
    expect(codes).toEqual(['audio/a.yaml:2:72 E_OUT_PLACEHOLDER [a] out']);
  });

  test('a text map or {lang} without languages in the config', () => {
    const map = resolve('assets:\n  - { id: a, kind: voice, text: { en: Hi }, out: a.mp3 }\n', { extra: [] });
    expect(map.codes).toEqual(['audio/a.yaml:2:33 E_NO_LANGUAGES [a] text']);
    const placeholder = resolve('assets:\n  - { id: a, kind: voice, text: Hi, out: "{lang}/a.mp3" }\n', { extra: [] });
    expect(placeholder.codes).toEqual(['audio/a.yaml:2:42 E_NO_LANGUAGES [a] out']);
  });

  test("an expanded line's problems are reported once, not once per output; a key that is no language code at the key", () => {
    const { codes } = resolve(
      [
        'assets:',
        '  - { id: a, kind: voice, stability: 7, voices: [Rachel, George], text: { en: Hi, de: Hallo, fr: Salut }, out: "{lang}/{voice}/a.mp3" }',
        '  - { id: b, kind: voice, text: { en: Hi, DE: Hallo }, out: "{lang}/b.mp3" }',
        `  - { id: c, kind: voice, model: ${MULTILINGUAL}, language_code: de, text: { en: Hi, de: Hallo }, out: "{lang}/c.mp3" }`,
      ].join('\n'),
    );
    expect(codes).toEqual([
      'audio/a.yaml:2:38 E_RANGE [a] stability',
      'audio/a.yaml:3:43 E_LANGUAGE [b] text.DE',
      'audio/a.yaml:4:92 E_PARAM_UNSUPPORTED [c] language_code',
      'audio/a.yaml:4:102 W_TRANSLATION_MISSING [c] text',
    ]);
  });

  test('{lang} in the out of a sound effect', () => {
    const { codes } = resolve('assets:\n  - { id: e, kind: effect, text: Boom, out: "{lang}/e.mp3" }\n');
    expect(codes).toEqual(['audio/a.yaml:2:45 E_OUT_PLACEHOLDER [e] out']);
  });

  test('an invalid or retired language code in the config', () => {
    const result = resolveTexts({ config: config(['languages: [en, iw, EN]']), specs: {} });
    const messages = result.parseDiagnostics.map((d) => `${where(d)} ${d.message}`);
    expect(messages.some((m) => m.includes('languages.1') && m.includes('did you mean "he"'))).toBe(true);
    expect(messages.some((m) => m.includes('languages.2') && m.includes('did you mean "en"'))).toBe(true);
  });

  test('the same language in the line and in a translations table names both places', () => {
    const translations = table({ a: { de: { text: 'Hallo!' } } });
    const { codes, messages } = resolve(
      'assets:\n  - { id: a, kind: voice, text: { en: Hi, de: Hallo, fr: Salut }, out: "{lang}/a.mp3" }\n',
      {
        translations,
      },
    );
    expect(codes).toEqual(['audio/a.yaml:2:47 E_TRANSLATION_TWICE [a] text.de']);
    expect(messages[0]).toContain('l10n/de.csv:2:3');
  });
});

describe('translations and localization.missing', () => {
  const spec = 'assets:\n  - { id: a, kind: voice, text: Hello, out: "{lang}/a.mp3" }\n';

  test('plain text + {lang}: the source text, other languages from the table; a missing one is skipped with a warning (warn)', () => {
    const { codes, messages, result } = resolve(spec, { translations: table({ a: { de: { text: 'Hallo', lock: sourceLock('Hello') } } }) });
    expect(codes).toEqual(['audio/a.yaml:2:33 W_TRANSLATION_MISSING [a] text']);
    expect(messages[0]).toContain('a@fr is skipped');
    expect(result.project?.assets.map((a) => [a.id, a.input.text])).toEqual([
      ['a@en', 'Hello'],
      ['a@de', 'Hallo'],
    ]);
    expect(result.project?.assets[1]?.translation).toEqual({
      lock: sourceLock('Hello'),
      stale: false,
      at: { file: 'l10n/de.csv', line: 2, col: 3 },
    });
  });

  test('missing: error is exit 2 material; missing: source sends the source output again (same spec, paid once)', () => {
    const error = resolve(spec, { extra: [...L10N, 'localization: { missing: error }'] });
    expect(error.codes).toEqual(['audio/a.yaml:2:33 E_TRANSLATION_MISSING [a] text', 'audio/a.yaml:2:33 E_TRANSLATION_MISSING [a] text']);
    expect(error.result.project).toBeUndefined();
    const source = resolve(spec, { extra: [...L10N, 'localization: { missing: source }'] });
    expect(source.codes).toEqual([]);
    const fr = source.byId['a@fr'];
    expect(fr).toMatchObject({ out: 'fr/a.mp3', language: 'fr', input: source.byId['a@en']?.input });
  });

  test('translations no output uses are a warning at the table', () => {
    const { codes, messages } = resolve('assets:\n  - { id: a, kind: voice, text: Hello, out: a.mp3 }\n', {
      translations: table({ a: { de: { text: 'Hallo', line: 2 } }, gone: { de: { text: 'Weg', line: 3 } } }),
    });
    expect(codes).toEqual(['l10n/de.csv:2:3 W_TRANSLATION_UNUSED [a]', 'l10n/de.csv:3:3 W_TRANSLATION_UNUSED [gone]']);
    expect(messages[0]).toContain('makes one output');
    expect(messages[1]).toContain('no asset has the id "gone"');
  });

  test('a lock that no longer matches the source text: stale, warned at the table cell, still generated', () => {
    const {
      codes,
      messages,
      byId: assets,
    } = resolve(spec, {
      extra: [...L10N, 'localization: { missing: source }'],
      translations: table({ a: { de: { text: 'Hallo', lock: sourceLock('Hello, old'), line: 7 } } }),
    });
    expect(codes).toEqual(['l10n/de.csv:7:3 W_TRANSLATION_STALE [a@de]']);
    expect(messages[0]).toContain('source text changed since translation');
    expect(assets['a@de']).toMatchObject({ input: { text: 'Hallo' }, translation: { stale: true, lock: sourceLock('Hello, old') } });
  });
});

describe('voice matrices and cast languages', () => {
  test('languages × voices: ids <id>@<lang>@<voice>, both placeholders filled', () => {
    const { codes, result } = resolve(
      'assets:\n  - { id: ok, kind: voice, voices: [Rachel, George], text: { en: OK, de: Gut, fr: Bon }, out: "{lang}/{voice}/ok.mp3" }\n',
    );
    expect(codes).toEqual([]);
    const outputs = result.project?.assets.map((a) => [a.id, a.out, a.input.voice, a.input.language_code]);
    expect(outputs).toEqual([
      ['ok@en@Rachel', 'en/Rachel/ok.mp3', 'Rachel', 'en'],
      ['ok@en@George', 'en/George/ok.mp3', 'George', 'en'],
      ['ok@de@Rachel', 'de/Rachel/ok.mp3', 'Rachel', 'de'],
      ['ok@de@George', 'de/George/ok.mp3', 'George', 'de'],
      ['ok@fr@Rachel', 'fr/Rachel/ok.mp3', 'Rachel', 'fr'],
      ['ok@fr@George', 'fr/George/ok.mp3', 'George', 'fr'],
    ]);
  });

  test('voices alone: ids <id>@<voice>, the source language, no language_code', () => {
    const { codes, result } = resolve('assets:\n  - { id: ok, kind: voice, voices: [Rachel, George], text: OK, out: "{voice}/ok.mp3" }\n');
    expect(codes).toEqual([]);
    expect(result.project?.assets.map((a) => [a.id, a.out, a.input.voice, a.language, a.baseId])).toEqual([
      ['ok@Rachel', 'Rachel/ok.mp3', 'Rachel', 'en', 'ok'],
      ['ok@George', 'George/ok.mp3', 'George', 'en', 'ok'],
    ]);
    expect(result.project?.assets[0]?.input).not.toHaveProperty('language_code');
  });

  test('voices without {voice}, {voice} without voices, voice and voices together', () => {
    const { codes } = resolve(
      [
        'assets:',
        '  - { id: a, kind: voice, voices: [Rachel, George], text: OK, out: a.mp3 }',
        '  - { id: b, kind: voice, text: OK, out: "{voice}/b.mp3" }',
        '  - { id: c, kind: voice, voice: Rachel, voices: [George], text: OK, out: c.mp3 }',
      ].join('\n'),
    );
    expect(codes).toEqual([
      'audio/a.yaml:2:68 E_OUT_PLACEHOLDER [a] out',
      'audio/a.yaml:3:42 E_OUT_PLACEHOLDER [b] out',
      'audio/a.yaml:4:50 E_VOICES_AND_VOICE [c] voices',
    ]);
  });

  test("a cast entry's languages sit between the asset and the rest of the entry", () => {
    const { codes, byId: assets } = resolve(
      [
        'cast:',
        '  inn: { voice: George, stability: 0.4, languages: { de: { voice: Lily, speed: 0.9 } } }',
        'assets:',
        '  - { id: a, kind: voice, speaker: inn, text: { en: Hi, de: Hallo, fr: Salut }, out: "{lang}/a.mp3" }',
        '  - { id: b, kind: voice, speaker: inn, speed: 1.1, text: { en: Hi, de: Hallo, fr: Salut }, out: "{lang}/b.mp3" }',
      ].join('\n'),
    );
    expect(codes).toEqual([]);
    expect(assets['a@de']).toMatchObject({ speaker: 'inn', input: { voice: 'Lily', stability: 0.4, speed: 0.9 } });
    expect(assets['a@en']?.input).toMatchObject({ voice: 'George', stability: 0.4 });
    expect(assets['a@en']?.input).not.toHaveProperty('speed');
    expect(assets['b@de']?.input).toMatchObject({ voice: 'Lily', speed: 1.1 });
  });
});

describe('scenes with languages', () => {
  test('each line expands, and hears its neighbours in its own language', () => {
    const { codes, byId: assets } = resolve(
      [
        'scenes:',
        '  - id: mine',
        '    lines:',
        '      - { text: { en: One, de: Eins, fr: Un }, out: "{lang}/1.mp3" }',
        '      - { text: { en: Two, de: Zwei, fr: Deux }, out: "{lang}/2.mp3" }',
      ].join('\n'),
    );
    expect(codes).toEqual([]);
    expect(assets['mine.1@de']?.input).toMatchObject({ text: 'Eins', next_text: 'Zwei', language_code: 'de' });
    expect(assets['mine.2@fr']?.input).toMatchObject({ text: 'Deux', previous_text: 'Un' });
    expect(assets['mine.2@fr']?.baseId).toBe('mine.2');
  });
});

describe('the lexicon', () => {
  test('respells the source language only: other languages are sent as written', () => {
    const { codes, byId: assets } = resolve(
      'lexicon: { Xyloth: ZY-loth }\nassets:\n  - { id: a, kind: voice, text: { en: Xyloth waits., de: Xyloth wartet., fr: Xyloth attend. }, out: "{lang}/a.mp3" }\n',
    );
    expect(codes).toEqual([]);
    expect(assets['a@en']?.input.text).toBe('ZY-loth waits.');
    expect(assets['a@en']?.writtenText).toBe('Xyloth waits.');
    expect(assets['a@de']?.input.text).toBe('Xyloth wartet.');
  });
});
