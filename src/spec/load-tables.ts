/**
 * Effects: reads the CSV files of a project, string tables (matched by `include`) and
 * translations tables (matched by `localization.translations`), and hands their text to the pure
 * readers (csv-table.ts, string-table.ts, translations-table.ts). A file that cannot be read is
 * an error at its first cell, like a spec file's.
 */
import { readFile } from 'node:fs/promises';
import { type Diagnostic, errnoFields, fsErrorMessage, messageOf } from '../errors.js';
import { type ParsedSpec, parseSpecValue } from './parse.js';
import type { Locate } from './position.js';
import type { TableTranslation } from './string-table.js';

/** Whether `include` matched a string table rather than a YAML spec file. */
export function isStringTable(path: string): boolean {
  return path.toLowerCase().endsWith('.csv');
}

/** What a string table gives besides its assets. */
export interface TableExtras {
  translations: TableTranslation[];
  notes: Map<string, string>;
  sourceLanguage?: string;
}

export interface ReadStringTable extends ParsedSpec {
  extras: TableExtras;
}

const START: Locate = () => ({ line: 1, col: 1 });

/** Told each file's text as it was read (what a project is resolved from). */
export type OnRead = (path: string, text: string) => void;

/** A string table as a spec file: validated by the same schema, its cells located for every diagnostic. */
export async function readStringTableFile(
  path: string,
  file: string,
  languages: readonly string[],
  onRead?: OnRead,
): Promise<ReadStringTable> {
  const empty = { extras: { translations: [], notes: new Map<string, string>() }, locate: START };
  const text = await readText(path, file, onRead);
  if (typeof text !== 'string') return { ...empty, diagnostics: [text] };
  // loaded for projects that have string tables only: a YAML project's start-up does without them
  const [{ readCsv }, { readStringTable }] = await Promise.all([import('./csv-table.js'), import('./string-table.js')]);
  const csv = readCsv(text, file);
  if (csv.table === undefined) return { ...empty, diagnostics: [csv.diagnostic] };
  const table = readStringTable(csv.table, file, languages);
  const { translations, notes, sourceLanguage } = table;
  const extras: TableExtras = { translations, notes, ...(sourceLanguage === undefined ? {} : { sourceLanguage }) };
  if (table.data === undefined) return { extras, diagnostics: table.diagnostics, locate: table.locate };
  const parsed = parseSpecValue(table.data, file, table.locate);
  return { ...parsed, extras, diagnostics: [...table.diagnostics, ...parsed.diagnostics] };
}

export interface ReadTranslations {
  translations: TableTranslation[];
  diagnostics: Diagnostic[];
}

/** The translations tables at `paths` (absolute, sorted), read and checked one by one. */
export async function readTranslationsFiles(
  paths: readonly string[],
  display: (path: string) => string,
  languages: readonly string[],
  onRead?: OnRead,
): Promise<ReadTranslations> {
  const result: ReadTranslations = { translations: [], diagnostics: [] };
  if (paths.length === 0) return result;
  const [{ readCsv }, { readTranslationsTable }] = await Promise.all([import('./csv-table.js'), import('./translations-table.js')]);
  const files = await Promise.all(paths.map(async (path) => ({ file: display(path), text: await readText(path, display(path), onRead) })));
  for (const { file, text } of files) {
    if (typeof text !== 'string') {
      result.diagnostics.push(text);
      continue;
    }
    const csv = readCsv(text, file);
    if (csv.table === undefined) {
      result.diagnostics.push(csv.diagnostic);
      continue;
    }
    const table = readTranslationsTable(csv.table, file, languages);
    result.translations.push(...table.translations);
    result.diagnostics.push(...table.diagnostics);
  }
  return result;
}

async function readText(path: string, file: string, onRead: OnRead | undefined): Promise<string | Diagnostic> {
  try {
    const text = await readFile(path, 'utf8');
    onRead?.(path, text);
    return text;
  } catch (error) {
    const fs = errnoFields(error);
    const message = fs ? fsErrorMessage({ ...fs, path: undefined }, 'read') : `cannot read the file: ${messageOf(error)}`;
    return { file, line: 1, col: 1, severity: 'error', code: 'E_IO', message };
  }
}
