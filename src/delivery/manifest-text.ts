/**
 * The manifest's two files as text, deterministic so that a build that changes nothing leaves
 * them byte-identical: JSON in the schema's field order (2-space indent, trailing newline), and
 * CSV by csv-stringify (a header row; null is an empty cell; several subtitle files are joined by
 * `;`). Also reading back an earlier manifest, whose lengths a build reuses instead of decoding.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { MANIFEST_COLUMNS, MANIFEST_VERSION, type ManifestRow } from './manifest-schema.js';

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

/**
 * sha256 → durationSeconds, from an earlier manifest's text; nothing from one that cannot be read.
 * Only the two fields are looked at (not the whole schema): at 10,000 rows this runs on every
 * build, and a row that says something else is rewritten anyway.
 */
export function knownDurations(text: string | undefined, format: 'json' | 'csv'): Map<string, number> {
  const known = new Map<string, number>();
  if (text === undefined) return known;
  try {
    const rows = format === 'json' ? jsonRows(JSON.parse(text)) : (parse(text, { columns: true, skip_empty_lines: true }) as unknown[]);
    for (const row of rows) {
      const { sha256, durationSeconds } = row as { sha256?: unknown; durationSeconds?: unknown };
      const seconds = typeof durationSeconds === 'string' && durationSeconds !== '' ? Number(durationSeconds) : durationSeconds;
      if (typeof sha256 === 'string' && SHA256.test(sha256) && typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
        known.set(sha256, seconds);
      }
    }
  } catch {
    // a damaged manifest is written anew: its lengths are measured again
  }
  return known;
}

const SHA256 = /^[0-9a-f]{64}$/;

function jsonRows(json: unknown): unknown[] {
  const assets = (json as { version?: unknown; assets?: unknown } | null)?.assets;
  return (json as { version?: unknown }).version === MANIFEST_VERSION && Array.isArray(assets) ? assets : [];
}
