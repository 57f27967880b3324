/** `export strings`: the translators' CSV, sorted and deterministic, and its byte-identical round trip. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { exportStrings } from '../../src/commands/export-strings.js';
import type { Project } from '../../src/project.js';
import { loadProject } from '../../src/spec/load.js';
import { readTranslationsFiles } from '../../src/spec/load-tables.js';
import type { TableTranslation } from '../../src/spec/string-table.js';
import { stringifyTable, stringsTable } from '../../src/spec/strings-export.js';
import { mergeTranslations, plainTranslations } from '../../src/spec/translation-set.js';
import { sourceLock } from '../../src/spec/translations.js';
import { kieaudio } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const CONFIG = 'version: 1\ninclude: ["audio/*.csv", "audio/*.yaml"]\ndefaults:\n  voice: { voice: Rachel }\n';

// rows out of order, a quoted multi-line text with commas and quotes, a missing translation, a recorded lock
const LINES = [
  'id,out,text.en,text.de,lock.de,notes',
  `inn.greet,inn/greet.mp3,"Welcome, traveller.\nSit ""anywhere"".",Willkommen.,${sourceLock('Welcome!')},warm; tired`,
  'guard.halt,guard/halt.mp3,Halt!,,,',
  'ärger,x/aerger.mp3,Trouble ahead.,Ärger voraus.,,',
].join('\r\n');
const SFX = 'assets:\n  - { id: door, kind: effect, text: a door creaks, out: sfx/door.mp3 }\n';

const project = () => makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.csv': `\uFEFF${LINES}\r\n`, 'audio/sfx.audio.yaml': SFX });

/** The project as a build would load it with `file` as a translations table (what `localization.translations` adds). */
async function withTranslationsTable(dir: string, file: string): Promise<Project> {
  const loaded = await loadProject({ cwd: dir, env: {} });
  const table = await readTranslationsFiles([join(dir, file)], () => file, []);
  expect(table.diagnostics).toEqual([]);
  const fromStringTables: TableTranslation[] = [];
  for (const [id, languages] of Object.entries(loaded.strings?.translations ?? {})) {
    for (const [language, text] of Object.entries(languages)) fromStringTables.push({ id, language, text });
  }
  const merged = mergeTranslations([...fromStringTables, ...table.translations]);
  expect(merged.diagnostics).toEqual([]);
  return { ...loaded, strings: { notes: {}, translationFiles: [], ...loaded.strings, translations: plainTranslations(merged.table) } };
}

describe('export strings', () => {
  test('one row per voice line, sorted by id; locks recorded or of the current source text', async () => {
    const dir = await project();
    const { csv, rows } = await exportStrings({ cwd: dir });
    expect(rows).toBe(3);
    expect(csv).toBe(
      [
        'id,speaker,notes,text.en,text.de,lock.de',
        `guard.halt,,,Halt!,,${sourceLock('Halt!')}`,
        `inn.greet,,warm; tired,"Welcome, traveller.\nSit ""anywhere"".",Willkommen.,${sourceLock('Welcome!')}`,
        `ärger,,,Trouble ahead.,Ärger voraus.,${sourceLock('Trouble ahead.')}`,
        '',
      ].join('\n'),
    );
  });

  test('--out makes the folder and writes the same bytes, every time', async () => {
    const dir = await project();
    const first = await exportStrings({ cwd: dir, out: 'l10n/new/strings.csv' });
    expect(first.path).toBe(join(dir, 'l10n/new/strings.csv'));
    const written = await readFile(join(dir, 'l10n/new/strings.csv'), 'utf8');
    expect(written).toBe(first.csv);
    expect((await exportStrings({ cwd: dir })).csv).toBe(written);
  });

  test('round trip: export → save as a translations table → load → export is byte-identical', async () => {
    const dir = await project();
    await exportStrings({ cwd: dir, out: 'l10n/strings.csv' });
    const saved = await readFile(join(dir, 'l10n/strings.csv'));
    const again = stringifyTable(stringsTable(await withTranslationsTable(dir, 'l10n/strings.csv'), []));
    expect(Buffer.from(again, 'utf8').equals(saved)).toBe(true);
  });

  test('a spreadsheet saving with a BOM and CRLF reads the same; a filled cell comes back with its lock', async () => {
    const dir = await project();
    const { csv } = await exportStrings({ cwd: dir });
    const filled = csv.replace(`guard.halt,,,Halt!,,`, 'guard.halt,,,Halt!,Halt!,');
    await writeFile(join(dir, 'l10n.csv'), `\uFEFF${filled.replaceAll('\n', '\r\n')}`);
    const loaded = await withTranslationsTable(dir, 'l10n.csv');
    expect(loaded.strings?.translations['guard.halt']?.de).toMatchObject({ text: 'Halt!', lock: sourceLock('Halt!') });
    // what the export writes is LF without a BOM, whatever the spreadsheet saved
    expect(stringifyTable(stringsTable(loaded, []))).toBe(filled);
  });

  test('the CLI: the CSV as it is on stdout, --out writes the same bytes, anything but "strings" is a usage error', async () => {
    const dir = await project();
    const { csv } = await exportStrings({ cwd: dir });
    const stdout = await kieaudio(dir, ['export', 'strings']);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toBe(csv);
    const file = await kieaudio(dir, ['export', 'strings', '--out', 'l10n/strings.csv']);
    expect(file.stdout).toBe('wrote 3 lines to l10n/strings.csv\n');
    expect(await readFile(join(dir, 'l10n/strings.csv'), 'utf8')).toBe(csv);
    expect((await kieaudio(dir, ['export', 'lines'])).code).toBe(2);
  });

  test('ids are the user\'s words: "constructor" or "__proto__" find nothing they do not own', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/lines.csv': 'id,out,text.en,text.de,notes\nconstructor,c.mp3,Build it.,,\n__proto__,p.mp3,Proto.,Proto!,odd\n',
    });
    const { csv } = await exportStrings({ cwd: dir });
    expect(csv).toBe(
      `id,speaker,notes,text.en,text.de,lock.de\n__proto__,,odd,Proto.,Proto!,${sourceLock('Proto.')}\nconstructor,,,Build it.,,${sourceLock('Build it.')}\n`,
    );
  });
});
