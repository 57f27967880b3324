/**
 * Pure: the translators' CSV that `kieaudio export strings` writes (contract, "Export and round
 * trip"): `id, speaker, notes, text.<source>, text.<lang>…, lock.<lang>…`, one row per declared
 * voice line (localized line, with `languages`), sorted by id. `lock.<lang>` is the lock recorded with the translation, else the
 * lock of the current source text, so a translation typed into the row records what it was made
 * from. Written by csv-stringify: UTF-8 without a BOM, `\n` line ends, fields quoted only when
 * they hold a comma, a quote or a line break — the same bytes every time for the same project,
 * which is what makes export → save → build → export byte-identical.
 */
import { stringify } from 'csv-stringify/sync';
import type { Project, ResolvedAsset } from '../project.js';
import { sourceLock } from './translations.js';

/** What a row is made from: one declared id's source line. */
interface DeclaredLine {
  id: string;
  speaker: string;
  text: string;
}

/**
 * The table as rows of cells, the header first. `languages` are the config's (the first is the
 * source); without any, the tables' source language and the languages their translations use.
 */
export function stringsTable(project: Project, languages: readonly string[]): string[][] {
  const strings = project.strings;
  const source = languages[0] ?? strings?.sourceLanguage;
  const others = languages.length > 0 ? languages.slice(1) : translatedLanguages(project, source);
  const header = [
    'id',
    'speaker',
    'notes',
    source === undefined ? 'text' : `text.${source}`,
    ...others.map((l) => `text.${l}`),
    ...others.map((l) => `lock.${l}`),
  ];
  const rows = declaredLines(project.assets, source, languages.length > 0).map((line) => {
    const translations = own(strings?.translations, line.id);
    const lock = sourceLock(line.text);
    const texts = others.map((language) => own(translations, language)?.text ?? '');
    const locks = others.map((language) => own(translations, language)?.lock ?? lock);
    return [line.id, line.speaker, own(strings?.notes, line.id) ?? '', line.text, ...texts, ...locks];
  });
  return [header, ...rows];
}

export function stringifyTable(records: readonly string[][]): string {
  return stringify(records as string[][], { record_delimiter: '\n', eof: true, quoted_empty: false });
}

/**
 * One line per declared id (the outputs of an id expanded per language or voice share it), its
 * source text as written. Sound effects are left out: they are not translated; and so, in a
 * project with `languages`, are voice lines that are not localized (no text map, no `{lang}`):
 * a translation of those would have no output to go to.
 */
function declaredLines(assets: readonly ResolvedAsset[], source: string | undefined, localizedOnly: boolean): DeclaredLine[] {
  const lines = new Map<string, DeclaredLine>();
  for (const asset of assets) {
    if (asset.kind !== 'voice' || (localizedOnly && !isLocalized(asset))) continue;
    const id = asset.baseId ?? asset.id;
    const text = asset.writtenText ?? asset.input.text;
    const isSource = asset.language === undefined || asset.language === source;
    if (!isSource || typeof text !== 'string' || lines.has(id)) continue;
    lines.set(id, { id, speaker: asset.speaker ?? '', text });
  }
  // by UTF-16 code units, not the locale: the same order on every machine
  return [...lines.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** An output of a line expanded per language: its id is `<id>@<lang>` or `<id>@<lang>@<voice>` (contract, "Languages and voice matrices"). */
function isLocalized(asset: ResolvedAsset): boolean {
  const { baseId, language, id } = asset;
  if (baseId === undefined || language === undefined) return false;
  const expanded = `${baseId}@${language}`;
  return id === expanded || id.startsWith(`${expanded}@`);
}

/** Without `languages`: every language a translation is given in, sorted, the source left out. */
function translatedLanguages(project: Project, source: string | undefined): string[] {
  const found = new Set<string>();
  for (const languages of Object.values(project.strings?.translations ?? {}))
    for (const language of Object.keys(languages)) found.add(language);
  found.delete(source ?? '');
  return [...found].sort();
}

/** `record[key]` when the record has it as its own: ids are the user's words (`constructor`, `__proto__`). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
