/**
 * Pure: a translations table (a CSV named by `localization.translations`, read by csv-table.ts)
 * → its translations. Rows are keyed by `id`; `text.<lang>` and `lock.<lang>` are read, and every
 * other column (speaker, notes, the source text) is context for the translator and ignored, so
 * the file `kieaudio export strings` writes can be saved here as it is.
 */
import type { Diagnostic } from '../errors.js';
import type { CsvTable } from './csv-table.js';
import type { TableTranslation } from './string-table.js';

export interface TranslationsTable {
  translations: TableTranslation[];
  diagnostics: Diagnostic[];
}

const LANGUAGE_COLUMN = /^(text|lock)\.(.+)$/;

/** `languages` are the config's (the first is the source); without any, the first `text.<lang>` column is the source text. */
export function readTranslationsTable(table: CsvTable, file: string, languages: readonly string[]): TranslationsTable {
  const diagnostics: Diagnostic[] = [];
  const idColumn = table.header.indexOf('id');
  if (idColumn < 0) {
    const message = 'expected an `id` column: a translations table keys every translation by the id of its asset';
    return { translations: [], diagnostics: [{ file, line: 1, col: 1, severity: 'error', code: 'E_CSV_COLUMN', message }] };
  }
  const columns = languageColumns(table.header, file, languages, diagnostics);
  const translations: TableTranslation[] = [];
  const firstRow = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const id = (cells[idColumn] ?? '').trim();
    if (id === '') continue; // a blank line or a section title a translator typed: nothing to translate
    const first = firstRow.get(id);
    if (first !== undefined) {
      const message = `id: expected each id once, found ${JSON.stringify(id)} again (first in row ${first})`;
      diagnostics.push({ file, line: row, col: idColumn + 1, severity: 'error', code: 'E_DUPLICATE_ID', asset: id, message });
      continue;
    }
    firstRow.set(id, row);
    for (const { language, text, lock } of columns) {
      const cell = cells[text] ?? '';
      if (cell === '') continue; // missing, not an empty line
      const lockCell = lock === undefined ? '' : (cells[lock] ?? '').trim();
      const at = { file, line: row, col: text + 1 };
      translations.push({ id, language, text: { text: cell, ...(lockCell === '' ? {} : { lock: lockCell }), at } });
    }
  }
  return { translations, diagnostics };
}

interface LanguageColumns {
  language: string;
  /** 0-based column of `text.<lang>` */
  text: number;
  /** 0-based column of `lock.<lang>`, when there is one */
  lock?: number;
}

/** The translated languages' columns; the source text is context. A language outside `languages` is a warning. */
function languageColumns(
  header: readonly string[],
  file: string,
  languages: readonly string[],
  diagnostics: Diagnostic[],
): LanguageColumns[] {
  const texts = new Map<string, number>();
  const locks = new Map<string, number>();
  for (const [index, name] of header.entries()) {
    const match = LANGUAGE_COLUMN.exec(name);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    if (languages.length > 0 && !languages.includes(match[2])) {
      const message = `column ${JSON.stringify(name)} is ignored: ${JSON.stringify(match[2])} is not one of \`languages\` (${languages.join(', ')})`;
      diagnostics.push({ file, line: 1, col: index + 1, severity: 'warning', code: 'W_TRANSLATION_LANGUAGE', message });
      continue;
    }
    (match[1] === 'text' ? texts : locks).set(match[2], index);
  }
  const source = languages[0] ?? texts.keys().next().value;
  return [...texts]
    .filter(([language]) => language !== source)
    .map(([language, text]) => {
      const lock = locks.get(language);
      return { language, text, ...(lock === undefined ? {} : { lock }) };
    });
}
