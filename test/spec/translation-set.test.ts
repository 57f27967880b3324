import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCsv } from '../../src/spec/csv-table.js';
import { findTranslationsFiles } from '../../src/spec/find-translations.js';
import { readTranslationsFiles } from '../../src/spec/load-tables.js';
import { mergeTranslations } from '../../src/spec/translation-set.js';
import { readTranslationsTable } from '../../src/spec/translations-table.js';
import { makeProject } from '../helpers/project.js';

function translations(text: string, file = 'l10n/de.csv', languages = ['en', 'de', 'fr']) {
  const csv = readCsv(text, file);
  if (csv.table === undefined) throw new Error(csv.diagnostic.message);
  return readTranslationsTable(csv.table, file, languages);
}

describe('readTranslationsTable', () => {
  test('text.<lang> and lock.<lang> by id; the source text, speaker and notes are context', () => {
    const t = translations(
      'id,speaker,notes,text.en,text.de,text.fr,lock.de,lock.fr\na,inn,warm,Hello,Hallo,,0badc0de,\nb,,,Bye,,Salut,,\n',
    );
    expect(t.diagnostics).toEqual([]);
    expect(t.translations).toEqual([
      { id: 'a', language: 'de', text: { text: 'Hallo', lock: '0badc0de', at: { file: 'l10n/de.csv', line: 2, col: 5 } } },
      { id: 'b', language: 'fr', text: { text: 'Salut', at: { file: 'l10n/de.csv', line: 3, col: 6 } } },
    ]);
  });

  test('no id column is an error; an id given twice is an error at the second row', () => {
    expect(translations('key,text.de\na,x\n').diagnostics.map((d) => d.code)).toEqual(['E_CSV_COLUMN']);
    const t = translations('text.de,id\nx,a\ny,a\n');
    expect(t.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['3:2 E_DUPLICATE_ID']);
  });

  test('a language outside `languages` is ignored with a warning at its header cell', () => {
    const t = translations('id,text.it\na,Ciao\n');
    expect(t.translations).toEqual([]);
    expect(t.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['1:2 W_TRANSLATION_LANGUAGE']);
  });
});

describe('mergeTranslations', () => {
  const at = (file: string, line: number) => ({ file, line, col: 4 });
  test('one table by id and language; the same text twice is kept once, with the lock recorded', () => {
    const { table, diagnostics } = mergeTranslations([
      { id: 'a', language: 'de', text: { text: 'Hallo', at: at('s.csv', 2) } },
      { id: 'a', language: 'de', text: { text: 'Hallo', lock: 'abcd0123', at: at('l10n/de.csv', 5) } },
      { id: 'a', language: 'fr', text: { text: 'Salut', at: at('l10n/fr.csv', 2) } },
    ]);
    expect(diagnostics).toEqual([]);
    expect(table.get('a')?.get('de')).toEqual({ text: 'Hallo', lock: 'abcd0123', at: at('s.csv', 2) });
    expect(table.get('a')?.get('fr')?.text).toBe('Salut');
  });

  test('two different texts for one id and language: an error naming both places', () => {
    const { diagnostics } = mergeTranslations([
      { id: 'a', language: 'de', text: { text: 'Hallo', at: at('s.csv', 2) } },
      { id: 'a', language: 'de', text: { text: 'Servus', at: at('l10n/de.csv', 5) } },
    ]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: 'l10n/de.csv', line: 5, col: 4, code: 'E_TRANSLATION_TWICE', severity: 'error' });
    expect(diagnostics[0]?.message).toContain('s.csv:2:4');
  });
});

describe('reading translations tables', () => {
  test('every file read is reported with its text (what the project was resolved from)', async () => {
    const dir = await makeProject({ 'l10n/de.csv': 'id,text.de\na,Hallo\n', 'l10n/fr.csv': 'id,text.fr\na,Salut\n' });
    const files = await findTranslationsFiles(dir, ['l10n/*.csv']);
    expect(files).toEqual([join(dir, 'l10n/de.csv'), join(dir, 'l10n/fr.csv')]);
    const read = new Map<string, string>();
    const result = await readTranslationsFiles(
      files,
      (path) => relative(dir, path),
      ['en', 'de', 'fr'],
      (path, text) => read.set(path, text),
    );
    expect(result.translations.map((t) => [t.id, t.language, t.text.text, t.text.at.file])).toEqual([
      ['a', 'de', 'Hallo', 'l10n/de.csv'],
      ['a', 'fr', 'Salut', 'l10n/fr.csv'],
    ]);
    expect(read.get(join(dir, 'l10n/fr.csv'))).toBe('id,text.fr\na,Salut\n');
  });
});
