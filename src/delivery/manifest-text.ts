/**
 * The manifest's two files as text, deterministic so that a build that changes nothing leaves
 * them byte-identical: JSON in the schema's field order (2-space indent, trailing newline), and
 * CSV by csv-stringify (a header row; null is an empty cell; several subtitle files are joined by
 * `;`). Also reading back an earlier manifest, whose lengths a build reuses instead of decoding.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { MANIFEST_COLUMNS, MANIFEST_VERSION, type ManifestRow, ManifestSchema } from './manifest-schema.js';

export function manifestJson(rows: readonly ManifestRow[]): string {
  return `${JSON.stringify({ version: MANIFEST_VERSION, assets: rows }, null, 2)}\n`;
}

export function manifestCsv(rows: readonly ManifestRow[]): string {
  const records = rows.map((row) =>
    MANIFEST_COLUMNS.map((column) => {
      const value = row[column];
      return value === null ? '' : Array.isArray(value) ? value.join(';') : String(value);
    }),
  );
  return stringify(records, { header: true, columns: MANIFEST_COLUMNS, eof: true });
}

/** sha256 → durationSeconds, from an earlier manifest's text; nothing from one that cannot be read. */
export function knownDurations(text: string | undefined, format: 'json' | 'csv'): Map<string, number> {
  const known = new Map<string, number>();
  if (text === undefined) return known;
  try {
    if (format === 'json') {
      const parsed = ManifestSchema.safeParse(JSON.parse(text));
      for (const row of parsed.success ? parsed.data.assets : []) known.set(row.sha256, row.durationSeconds);
    } else {
      const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
      for (const record of records) {
        const duration = Number(record.durationSeconds);
        if (/^[0-9a-f]{64}$/.test(record.sha256 ?? '') && record.durationSeconds !== '' && Number.isFinite(duration)) {
          known.set(record.sha256 as string, duration);
        }
      }
    }
  } catch {
    // a damaged manifest is written anew: its lengths are measured again
  }
  return known;
}
