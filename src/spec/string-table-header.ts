/**
 * Pure: what each column of a string table's header means (contract, "Languages and voice
 * matrices"): `id`, `kind`, `speaker`, `out`, `model`, `text` or `text.<lang>`, `lock.<lang>`,
 * `notes` (never sent) and API parameters by their names. A column the header cannot name is an
 * error at its header cell, so a typo never silently drops a column of a spreadsheet.
 */
import type { Diagnostic } from '../errors.js';
import { EFFECT_PARAMS, VOICE_PARAMS } from './params.js';
import { didYouMean, suggest } from './suggest.js';

export type Column =
  /** an asset key, written into the asset as it is (typed per its parameter's schema) */
  | { role: 'field'; key: string }
  /** the source language's text (the asset's `text`) */
  | { role: 'source' }
  /** another language's text: a translation */
  | { role: 'translation'; language: string }
  | { role: 'lock'; language: string }
  | { role: 'notes' };

export interface Header {
  /** one per header cell, undefined for a cell that failed (reported) */
  columns: (Column | undefined)[];
  /** 0-based index of the column of each asset key (`text` is the source text's column) */
  keyColumns: ReadonlyMap<string, number>;
  /** the language of `text`, or of `text.<lang>` taken as the source; undefined: a plain `text` column without languages */
  sourceLanguage?: string;
  diagnostics: Diagnostic[];
}

/** Asset keys a cell can hold; maps and lists (`post`, `subtitles`) have no place in a cell. */
const FIELD_KEYS: readonly string[] = [
  ...new Set(['id', 'kind', 'speaker', 'out', 'model', ...Object.keys(VOICE_PARAMS), ...Object.keys(EFFECT_PARAMS)]),
].filter((key) => key !== 'text');

const LANGUAGE_COLUMN = /^(text|lock)\.(.+)$/;

/**
 * `languages` are the config's (the first is the source); without any, the source is the
 * language of the first `text.<lang>` column, and the other `text.<lang>` columns translate it.
 */
export function readHeader(names: readonly string[], file: string, languages: readonly string[]): Header {
  const diagnostics: Diagnostic[] = [];
  const error = (index: number, code: string, message: string) =>
    diagnostics.push({ file, line: 1, col: index + 1, severity: 'error', code, message });
  const firstText = names.map((name) => LANGUAGE_COLUMN.exec(name)).find((m) => m?.[1] === 'text')?.[2];
  const sourceLanguage = languages[0] ?? (names.includes('text') ? undefined : firstText);
  const seen = new Map<string, number>();
  const keyColumns = new Map<string, number>();
  const columns = names.map((name, index): Column | undefined => {
    const column = columnOf(name, sourceLanguage, languages);
    if (typeof column === 'string') {
      error(index, 'E_CSV_COLUMN', column);
      return undefined;
    }
    // `text` and `text.<source>` are one column written twice
    const key = column.role === 'field' ? column.key : column.role === 'source' ? 'text' : `${column.role}.${languageOf(column)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      error(
        index,
        'E_CSV_COLUMN',
        `column ${JSON.stringify(name)}: expected each column once, found it again (as ${JSON.stringify(names[first])} in column ${first + 1})`,
      );
      return undefined;
    }
    seen.set(key, index);
    if (column.role === 'field' || column.role === 'source') keyColumns.set(key, index);
    return column;
  });
  if (!keyColumns.has('id')) {
    error(0, 'E_CSV_COLUMN', 'expected an `id` column: string tables key every line by id (for translations and their locks)');
  }
  return { columns, keyColumns, ...(sourceLanguage === undefined ? {} : { sourceLanguage }), diagnostics };
}

function languageOf(column: Column): string {
  return column.role === 'translation' || column.role === 'lock' ? column.language : '';
}

/** The column a header cell names, or why it names none. */
function columnOf(name: string, source: string | undefined, languages: readonly string[]): Column | string {
  if (name === 'notes') return { role: 'notes' };
  if (name === 'text') return { role: 'source' };
  if (FIELD_KEYS.includes(name)) return { role: 'field', key: name };
  const match = LANGUAGE_COLUMN.exec(name);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    const language = match[2];
    if (languages.length > 0 && !languages.includes(language)) {
      return `column ${JSON.stringify(name)}: expected a language of \`languages\` (${languages.join(', ')}), found ${JSON.stringify(language)}${didYouMean(suggest(language, languages))}`;
    }
    if (match[1] === 'text') return language === source ? { role: 'source' } : { role: 'translation', language };
    if (language === source)
      return `column ${JSON.stringify(name)}: the source language has no lock (a lock records which source text a translation was made from)`;
    return { role: 'lock', language };
  }
  const known = ['notes', 'text', ...FIELD_KEYS];
  const hint = suggest(name, known);
  return `unknown column ${JSON.stringify(name)}${didYouMean(hint)}; expected id, kind, speaker, out, model, text or text.<lang>, lock.<lang>, notes, or an API parameter`;
}
