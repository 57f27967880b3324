/**
 * Pure: the text one language's output of a voice line speaks, wherever it is given: the line's
 * own text map, a translations table (by the id as declared), or — with `localization.missing:
 * source` — the source language's text. The expansion of a line into its outputs
 * (expand-outputs.ts) and its scene neighbours (resolve-scenes.ts) both read it, so a German
 * line's `previous_text` is its German neighbour's text.
 */
import type { MissingPolicy } from './languages.js';
import { INVALID, type Invalid } from './salvage.js';
import type { TranslatedText, TranslationTable } from './translations.js';

/** What the resolver knows of the project's languages. */
export interface Localization {
  /** the config's `languages`, source first; empty: a single-language project; INVALID: not known */
  languages: readonly string[] | Invalid;
  missing: MissingPolicy | Invalid;
  table: TranslationTable;
}

/** `text` as found on a line's chain: one text, a map of language to text, INVALID (failed validation) or unset. */
export type WrittenText = string | Readonly<Record<string, string>> | Invalid | undefined;

/** Where one language's text came from. */
export type TextOrigin = 'asset' | 'table';

export interface LanguageText {
  text: string;
  from: TextOrigin;
  /** the table's entry, when the text came from one */
  entry?: TranslatedText;
}

/** Whether a value of `text` is a text map. */
export function isTextMap(written: WrittenText): written is Readonly<Record<string, string>> {
  return typeof written === 'object';
}

/** The text `language` has of its own (not the source fallback): the line's map, else the table. */
export function ownText(
  written: WrittenText,
  baseId: string | undefined,
  language: string,
  source: string,
  table: TranslationTable,
): LanguageText | undefined {
  if (isTextMap(written)) {
    const text = written[language];
    if (text !== undefined) return { text, from: 'asset' };
  } else if (typeof written === 'string' && language === source) {
    return { text: written, from: 'asset' };
  }
  // the table's source-language column is context for translators, never a text of its own
  const entry = language === source || baseId === undefined ? undefined : table.get(baseId)?.get(language);
  return entry === undefined ? undefined : { text: entry.text, from: 'table', entry };
}

/** The source language's own text of a line: what its translations' locks are made from. */
export function sourceText(written: WrittenText, l10n: Localization): string | undefined {
  const source = sourceLanguage(l10n);
  if (source === undefined) return typeof written === 'string' ? written : undefined;
  if (isTextMap(written)) return written[source];
  return typeof written === 'string' ? written : undefined;
}

export function sourceLanguage(l10n: Localization): string | undefined {
  return l10n.languages === INVALID ? undefined : l10n.languages[0];
}

/**
 * The text a line's output in `language` speaks (undefined `language`: a line with one output),
 * as its neighbours see it: the language's own text, else the source text under `missing:
 * source`; undefined when it has none (the output is skipped or an error); INVALID when unknown.
 */
export function spokenText(
  written: WrittenText,
  baseId: string | undefined,
  language: string | undefined,
  l10n: Localization,
): string | Invalid | undefined {
  if (written === INVALID) return INVALID;
  const source = sourceLanguage(l10n);
  if (language === undefined || source === undefined) return typeof written === 'string' ? written : undefined;
  const own = ownText(written, baseId, language, source, l10n.table);
  if (own !== undefined) return own.text;
  if (l10n.missing === INVALID) return INVALID;
  return l10n.missing === 'source' ? sourceText(written, l10n) : undefined;
}
