/**
 * Pure: a string table (a CSV read by csv-table.ts) → the same spec data a YAML file gives
 * (`{ assets: [...] }`), with a Locate that maps an asset's field paths to its cells, so a string
 * table goes through the one validation and resolution path YAML files do (parse.ts). The other
 * languages' `text.<lang>` cells and their `lock.<lang>` become translations, as a translations
 * table's would, so stale checks treat both alike; `notes` are kept for `export strings`, never
 * sent and never hashed.
 */
import type { Diagnostic } from '../errors.js';
import type { AssetKind } from '../project.js';
import type { CsvTable } from './csv-table.js';
import { PARAMS_BY_KIND } from './params.js';
import type { DocPath, Locate, Position } from './position.js';
import { type Header, readHeader } from './string-table-header.js';
import type { TranslatedText } from './translations.js';

/** One language's text of one id, from a table row. */
export interface TableTranslation {
  id: string;
  language: string;
  text: TranslatedText;
}

export interface StringTable {
  /** what a YAML spec file would hold: `{ assets: [...] }`; undefined when the header is unusable */
  data?: { assets: Record<string, unknown>[] };
  locate: Locate;
  translations: TableTranslation[];
  /** the `notes` cell of each id that has one */
  notes: Map<string, string>;
  sourceLanguage?: string;
  diagnostics: Diagnostic[];
}

/** `languages` are the config's, the first the source (see string-table-header.ts without any). */
export function readStringTable(table: CsvTable, file: string, languages: readonly string[]): StringTable {
  const header = readHeader(table.header, file, languages);
  const rows = table.rows.map((r) => r.row);
  const locate = tableLocator(rows, header.keyColumns);
  const base = { locate, notes: new Map<string, string>(), translations: [], diagnostics: header.diagnostics };
  const withSource = header.sourceLanguage === undefined ? base : { ...base, sourceLanguage: header.sourceLanguage };
  if (header.diagnostics.length > 0) return withSource;
  const result: StringTable & { translations: TableTranslation[] } = { ...withSource, data: { assets: [] } };
  for (const { row, cells } of table.rows) {
    const asset = rowAsset(cells, header);
    result.data?.assets.push(asset);
    const id = typeof asset.id === 'string' ? asset.id : undefined;
    if (id === undefined) {
      const col = (header.keyColumns.get('id') ?? 0) + 1;
      result.diagnostics.push({
        file,
        line: row,
        col,
        severity: 'error',
        code: 'E_REQUIRED',
        field: 'id',
        message: 'id: expected an id: string tables key every line by id',
      });
      continue;
    }
    addExtras(result, { id, row, cells, header, file });
  }
  return result;
}

/** A row as an asset: every non-empty cell of an asset key, typed as that key's parameter expects. */
function rowAsset(cells: readonly string[], header: Header): Record<string, unknown> {
  const kindCell = cellOf(cells, header.keyColumns.get('kind'));
  // a row without a kind is a voice line: string tables are mostly dialogue
  const kind = kindCell === '' ? 'voice' : kindCell;
  const params = kind === 'voice' || kind === 'effect' ? PARAMS_BY_KIND[kind as AssetKind] : {};
  const asset: Record<string, unknown> = { kind };
  for (const [key, index] of header.keyColumns) {
    const cell = cells[index] ?? '';
    if (cell === '' || key === 'kind') continue;
    asset[key] = typedCell(cell, params[key]?.type);
  }
  return asset;
}

/**
 * A cell as its parameter's schema expects it; what does not convert stays text, so validation
 * says what was expected and what was found (`stability: expected a number…, found "0,5"`).
 */
function typedCell(cell: string, type: string | undefined): unknown {
  const trimmed = cell.trim();
  if (type === 'number' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  // spreadsheets write TRUE and FALSE
  if (type === 'boolean' && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  return cell;
}

/** The row's translations (an empty cell is a missing translation, not an empty line) and notes. */
function addExtras(
  result: { translations: TableTranslation[]; notes: Map<string, string> },
  row: { id: string; row: number; cells: readonly string[]; header: Header; file: string },
): void {
  const { id, cells, header, file } = row;
  const locks = new Map<string, string>();
  for (const [index, column] of header.columns.entries()) {
    const cell = cells[index] ?? '';
    if (column?.role === 'lock' && cell.trim() !== '') locks.set(column.language, cell.trim());
    if (column?.role === 'notes' && cell !== '') result.notes.set(id, cell);
  }
  for (const [index, column] of header.columns.entries()) {
    const cell = cells[index] ?? '';
    if (column?.role !== 'translation' || cell === '') continue;
    const lock = locks.get(column.language);
    const at = { file, line: row.row, col: index + 1 };
    result.translations.push({ id, language: column.language, text: { text: cell, ...(lock === undefined ? {} : { lock }), at } });
  }
}

function cellOf(cells: readonly string[], index: number | undefined): string {
  return index === undefined ? '' : (cells[index] ?? '').trim();
}

/**
 * Positions in the table of paths in its data: `['assets', i]` is row i's first cell,
 * `['assets', i, key, …]` the cell of key's column (the row's first cell when there is none).
 */
function tableLocator(rows: readonly number[], keyColumns: ReadonlyMap<string, number>): Locate {
  return (path: DocPath): Position => {
    const [first, index, key] = path;
    if (first !== 'assets' || typeof index !== 'number') return { line: 1, col: 1 };
    const line = rows[index];
    if (line === undefined) return { line: 1, col: 1 };
    const column = typeof key === 'string' ? keyColumns.get(key) : undefined;
    return { line, col: (column ?? 0) + 1 };
  };
}
