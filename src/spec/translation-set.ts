/**
 * Pure: the translations of every string table and translations table → one TranslationTable
 * (translations.ts) for the resolver, which marks the stale ones and warns about those no output
 * speaks (unused-translations.ts); and the check that needs all the tables at once: the same id
 * and language given twice.
 */
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { TableTranslation } from './string-table.js';
import type { TranslatedText, TranslationTable } from './translations.js';

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

/** The table as plain records (ProjectStrings in src/project.ts): what JSON carries exactly. */
export function plainTranslations(table: TranslationTable): Record<string, Record<string, TranslatedText>> {
  return Object.fromEntries([...table].map(([id, languages]) => [id, Object.fromEntries(languages)]));
}

function where(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}
