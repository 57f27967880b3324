/**
 * Pure: the translations of every string table and translations table → one TranslationTable
 * (translations.ts) for the resolver, and the checks that need all of them: the same id and
 * language given twice, ids no asset has, and translations whose lock no longer matches the
 * source text ("source text changed since translation").
 */
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { ProjectStrings, ResolvedAsset } from '../project.js';
import type { TableTranslation } from './string-table.js';
import { sourceLock, type TranslatedText, type TranslationTable } from './translations.js';

/**
 * One table of all the translations. The same id and language given twice is an error naming
 * both places, unless both say the same text (an exported file saved unchanged beside the string
 * table it came from): then the first place is kept, with whichever lock was recorded.
 */
export function mergeTranslations(translations: Iterable<TableTranslation>): { table: TranslationTable; diagnostics: Diagnostic[] } {
  const table = new Map<string, Map<string, TranslatedText>>();
  const diagnostics: Diagnostic[] = [];
  for (const { id, language, text } of translations) {
    let languages = table.get(id);
    if (languages === undefined) {
      languages = new Map();
      table.set(id, languages);
    }
    const first = languages.get(language);
    if (first === undefined) {
      languages.set(language, text);
    } else if (first.text === text.text && (first.lock === undefined || text.lock === undefined || first.lock === text.lock)) {
      if (first.lock === undefined && text.lock !== undefined) languages.set(language, { ...first, lock: text.lock });
    } else {
      const what =
        first.text === text.text
          ? `with another lock (${JSON.stringify(text.lock)}, not ${JSON.stringify(first.lock)})`
          : 'with another text';
      diagnostics.push({
        ...text.at,
        severity: 'error',
        code: 'E_TRANSLATION_TWICE',
        asset: id,
        field: `text.${language}`,
        message: `text.${language}: expected one ${language} text for ${JSON.stringify(id)}, found it again ${what}; it is also given at ${where(first.at)}`,
      });
    }
  }
  return { table, diagnostics };
}

/** A warning for each translations-table row whose id no asset declares. */
export function unknownIds(rows: Iterable<{ id: string; at: SourceLocation }>, declared: ReadonlySet<string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { id, at } of rows) {
    if (declared.has(id)) continue;
    const message = `id: no asset has the id ${JSON.stringify(id)}; its translations are not used (was the line removed or renamed?)`;
    diagnostics.push({ ...at, severity: 'warning', code: 'W_TRANSLATION_UNKNOWN_ID', asset: id, field: 'id', message });
  }
  return diagnostics;
}

/**
 * A warning for each translation whose recorded lock no longer matches its source text:
 * `sourceText(id)` is the declared asset's current source-language text (undefined: none, e.g.
 * an unknown id, warned about on its own). It is still generated from the text given.
 */
export function staleTranslations(table: TranslationTable, sourceText: (id: string) => string | undefined): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [id, languages] of table) {
    const source = sourceText(id);
    if (source === undefined) continue;
    const lock = sourceLock(source);
    for (const [language, text] of languages) {
      if (text.lock === undefined || text.lock === lock) continue;
      diagnostics.push({
        ...text.at,
        severity: 'warning',
        code: 'W_TRANSLATION_STALE',
        asset: id,
        field: `text.${language}`,
        message: `text.${language}: source text changed since translation (lock.${language} is ${text.lock}, the current source text's is ${lock}); it is still generated from the text given`,
      });
    }
  }
  return diagnostics;
}

function where(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

/**
 * The warnings that need the resolved assets: translations-table ids no asset declares, and
 * stale translations. An asset's source text is that of its source-language output (or of its
 * only output), as written, before the lexicon.
 */
export function translationWarnings(
  assets: readonly ResolvedAsset[],
  strings: ProjectStrings,
  rows: Iterable<{ id: string; at: SourceLocation }>,
): Diagnostic[] {
  const sources = new Map<string, string>();
  for (const asset of assets) {
    const id = asset.baseId ?? asset.id;
    const isSource = asset.language === undefined || asset.language === strings.sourceLanguage;
    const text = asset.writtenText ?? asset.input.text;
    if (isSource && typeof text === 'string' && !sources.has(id)) sources.set(id, text);
  }
  const declared = new Set(assets.map((asset) => asset.baseId ?? asset.id));
  return [...unknownIds(rows, declared), ...staleTranslations(strings.translations, (id) => sources.get(id))];
}
