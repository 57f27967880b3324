/**
 * Translations as the resolver sees them, whichever file gave them: a string table's `text.<lang>`
 * columns, or a translations table named by `localization.translations` (contract, "Languages and
 * voice matrices"). A `lock` is the short hash of the source text a translation was made from.
 */
import { createHash } from 'node:crypto';
import type { SourceLocation } from '../errors.js';

/** One language's text for one asset id. */
export interface TranslatedText {
  text: string;
  /** the row's `lock.<lang>`; absent when the table records none */
  lock?: string;
  /** where the text was given (a CSV cell: `line` is the row, header = row 1; `col` the column) */
  at: SourceLocation;
}

/** Texts from tables, by declared asset id (before expansion), then by language. */
export type TranslationTable = ReadonlyMap<string, ReadonlyMap<string, TranslatedText>>;

/** What a resolved output knows of the translation it speaks. */
export interface TranslationInfo {
  /** the lock recorded with the translation, if any */
  lock?: string;
  /** the lock no longer matches the source text: "source text changed since translation" */
  stale: boolean;
  at: SourceLocation;
}

/** `lock.<lang>` of a source text: 8 hex digits of its SHA-256 (NFC), short enough for a spreadsheet cell. */
export function sourceLock(sourceText: string): string {
  return createHash('sha256').update(sourceText.normalize('NFC'), 'utf8').digest('hex').slice(0, 8);
}
