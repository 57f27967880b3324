/**
 * Pure: CSV text → a header and rows of cells, each row numbered the way a spreadsheet shows it
 * (the header is row 1), or the one error that stopped csv-parse, at `file:row:column`. String
 * tables and translations tables both start here, so both accept the same CSV: UTF-8 with or
 * without a BOM (Excel writes one), CRLF or LF line ends, quoted fields holding commas, quotes
 * and line breaks. Nothing here reads files.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { Diagnostic } from '../errors.js';

/** Everything that decides what `readCsv` makes of a text, for caches of its results to key on. */
export const CSV_READ_SETTINGS = { bom: true, relax_column_count: false, skip_empty_lines: true } as const;

export interface CsvRow {
  /** 1-based record number; the header is row 1 */
  row: number;
  /** one per header column */
  cells: string[];
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

export type CsvRead = { table: CsvTable; diagnostic?: undefined } | { table?: undefined; diagnostic: Diagnostic };

export function readCsv(text: string, file: string): CsvRead {
  let records: string[][];
  try {
    records = parse(text, CSV_READ_SETTINGS) as string[][];
  } catch (error) {
    return { diagnostic: csvErrorDiagnostic(error, file) };
  }
  const [header, ...rest] = records;
  if (header === undefined) {
    return {
      diagnostic: { file, line: 1, col: 1, severity: 'error', code: 'E_CSV', message: 'expected a header row, found an empty file' },
    };
  }
  // Records are numbered as csv-parse counts them: empty lines are skipped and not counted.
  return { table: { header, rows: rest.map((cells, index) => ({ row: index + 2, cells })) } };
}

/** Where csv-parse stopped, as a diagnostic at the row it was reading (and the field, when it names one). */
function csvErrorDiagnostic(error: unknown, file: string): Diagnostic {
  if (!(error instanceof CsvError)) {
    return { file, line: 1, col: 1, severity: 'error', code: 'E_CSV', message: `cannot read the CSV: ${String(error)}` };
  }
  const fields = error as CsvError & { records?: number; column?: number };
  // `records` counts the records read before the one that failed
  const row = (fields.records ?? 0) + 1;
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const message = `expected one cell per header column, found a row with a different number of cells (csv-parse: ${error.message})`;
    return { file, line: row, col: 1, severity: 'error', code: 'E_CSV_ROW', message };
  }
  const col = (fields.column ?? 0) + 1;
  const message = `invalid CSV: ${error.message}`;
  return { file, line: row, col, severity: 'error', code: 'E_CSV', message };
}
