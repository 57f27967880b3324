/**
 * Pure: translations no output speaks, as warnings at the table: an id no asset has (a line was
 * renamed or removed: its translations wait for it), or an id whose line makes one output (it
 * has no text map and no {lang} in `out`, so its translations are not used).
 */
import type { Diagnostic } from '../errors.js';
import type { ResolvedAsset } from '../project.js';
import type { TranslationTable } from './translations.js';

export function unusedTranslations(table: TranslationTable, assets: readonly ResolvedAsset[]): Diagnostic[] {
  if (table.size === 0) return [];
  const localized = new Set<string>();
  const single = new Set<string>();
  for (const asset of assets) {
    if (byLanguage(asset)) localized.add(asset.baseId ?? asset.id);
    else single.add(asset.baseId ?? asset.id);
  }
  const diagnostics: Diagnostic[] = [];
  for (const [id, languages] of table) {
    if (localized.has(id)) continue;
    const first = [...languages.values()][0];
    if (first === undefined) continue;
    const message = single.has(id)
      ? `${id} has translations, but its line makes one output: give it {lang} in out (or a text map) to use them`
      : `no asset has the id ${JSON.stringify(id)}; its translations are not used (was the line renamed or removed?)`;
    diagnostics.push({ ...first.at, severity: 'warning', code: 'W_TRANSLATION_UNUSED', asset: id, message });
  }
  return diagnostics;
}

/** An output of a line expanded by language: its id is `<id>@<lang>` or `<id>@<lang>@<voice>`. */
function byLanguage(asset: ResolvedAsset): boolean {
  const { baseId, language, id } = asset;
  if (baseId === undefined || language === undefined) return false;
  const prefix = `${baseId}@${language}`;
  return id === prefix || id.startsWith(`${prefix}@`);
}
