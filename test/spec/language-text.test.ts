import { describe, expect, test } from 'vitest';
import { SPEECH_FORMAT } from '../../src/audio/format.js';
import type { ResolvedAsset } from '../../src/project.js';
import { type Localization, spokenText } from '../../src/spec/language-text.js';
import { describeLanguage, isLanguageCode } from '../../src/spec/languages.js';
import { INVALID } from '../../src/spec/salvage.js';
import { selectAssets } from '../../src/spec/select.js';
import type { TranslationTable } from '../../src/spec/translations.js';

const at = { file: 't.csv', line: 2, col: 2 };
const table: TranslationTable = new Map([['a', new Map([['de', { text: 'Hallo', at }]])]]);
const l10n = (missing: Localization['missing']): Localization => ({ languages: ['en', 'de', 'fr'], missing, table });

describe('spokenText', () => {
  test("a language's own text comes from the map, else the table; the source language's from the line", () => {
    expect(spokenText({ en: 'Hi', de: 'Servus' }, 'a', 'de', l10n('warn'))).toBe('Servus');
    expect(spokenText('Hi', 'a', 'de', l10n('warn'))).toBe('Hallo');
    expect(spokenText('Hi', 'a', 'en', l10n('warn'))).toBe('Hi');
  });

  test('a language without text: none under warn and error, the source text under source, unknown when invalid', () => {
    expect(spokenText('Hi', 'a', 'fr', l10n('warn'))).toBeUndefined();
    expect(spokenText('Hi', 'a', 'fr', l10n('error'))).toBeUndefined();
    expect(spokenText({ en: 'Hi' }, 'a', 'fr', l10n('source'))).toBe('Hi');
    expect(spokenText('Hi', 'a', 'fr', l10n(INVALID))).toBe(INVALID);
    expect(spokenText(INVALID, 'a', 'en', l10n('warn'))).toBe(INVALID);
  });

  test('a single-language project reads plain text only', () => {
    const none: Localization = { languages: [], missing: 'warn', table: new Map() };
    expect(spokenText('Hi', 'a', undefined, none)).toBe('Hi');
    expect(spokenText({ en: 'Hi' }, 'a', undefined, none)).toBeUndefined();
  });
});

describe('language codes', () => {
  test('current ISO 639-1 codes only, lower case', () => {
    expect(['en', 'de', 'fr', 'ja', 'he', 'zu'].every(isLanguageCode)).toBe(true);
    expect(['EN', 'eng', 'xx', 'iw', 'e', ''].some(isLanguageCode)).toBe(false);
    expect(describeLanguage('de')).toBe('de (German)');
  });
});

describe('--only on expanded outputs', () => {
  const output = (id: string, baseId?: string): ResolvedAsset => ({
    id,
    ...(baseId === undefined ? {} : { baseId, language: id.split('@')[1] ?? '' }),
    kind: 'voice',
    out: `${id.replaceAll('@', '/')}.mp3`,
    model: 'm/x',
    input: {},
    format: SPEECH_FORMAT,
    source: { file: 'a.yaml', line: 1, col: 1, index: 0 },
  });
  const assets = [
    output('inn.greet@en', 'inn.greet'),
    output('inn.greet@de', 'inn.greet'),
    output('ui.ok@de@Rachel', 'ui.ok'),
    output('plain'),
  ];
  const ids = (patterns: string[]) => selectAssets(assets, patterns).map((a) => a.id);

  test('the declared id takes every output; an expanded id or a glob on it takes those it matches', () => {
    expect(ids(['inn.greet'])).toEqual(['inn.greet@en', 'inn.greet@de']);
    expect(ids(['inn.greet@de'])).toEqual(['inn.greet@de']);
    expect(ids(['*@de*'])).toEqual(['inn.greet@de', 'ui.ok@de@Rachel']);
    // a line with voices: `<id>@<lang>` takes every voice of that language, and so does `*@de`
    expect(ids(['ui.ok@de'])).toEqual(['ui.ok@de@Rachel']);
    expect(ids(['*@de'])).toEqual(['inn.greet@de', 'ui.ok@de@Rachel']);
    expect(ids(['plain'])).toEqual(['plain']);
  });
});
