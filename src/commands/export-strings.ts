/**
 * `export strings`: the translators' CSV of every voice line (spec/strings-export.ts), to a file
 * (its folder made, written atomically: a spreadsheet or a build never sees half of it) or
 * returned for stdout. Reads the project only: no lock, no cache, no API.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { toKieaudioError } from '../errors.js';
import { localizationSettings } from '../spec/localization-settings.js';
import { type CommonOptions, loadSelected } from '../spec/prepare.js';
import { stringifyTable, stringsTable } from '../spec/strings-export.js';
import { writeFileAtomic } from '../store/atomic-write.js';

export interface ExportStringsOptions extends Omit<CommonOptions, 'only'> {
  /** the file to write, relative to cwd; absent: the CSV is returned only */
  out?: string;
  /** warnings found while loading (stale translations…) */
  onWarning?: (warning: Diagnostic) => void;
}

export interface ExportStringsResult {
  csv: string;
  /** lines exported (rows after the header) */
  rows: number;
  /** absolute path written, when `out` was given */
  path?: string;
}

export async function exportStrings(options: ExportStringsOptions = {}): Promise<ExportStringsResult> {
  const loaded = await loadSelected(options);
  for (const warning of loaded.project.warnings) options.onWarning?.(warning);
  const { languages } = localizationSettings(loaded.project.config);
  const records = stringsTable(loaded.project, languages);
  const csv = stringifyTable(records);
  const result = { csv, rows: records.length - 1 };
  if (options.out === undefined) return result;
  const path = resolve(options.cwd ?? process.cwd(), options.out);
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw toKieaudioError(error, 'E_IO', { action: 'create the folder', path: dirname(path) });
  }
  try {
    await writeFileAtomic(path, csv);
  } catch (error) {
    throw toKieaudioError(error, 'E_IO', { action: 'write', path });
  }
  return { ...result, path };
}
