/**
 * String tables and translations tables with `languages`, end to end over the simulator: one
 * output per language, the translators' round trip, stale translations, unknown ids.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { build, exportStrings, loadProject, status } from '../../src/index.js';
import { readCsv } from '../../src/spec/csv-table.js';
import { sourceLock } from '../../src/spec/translations.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/*.csv"]
outDir: out
languages: [en, de]
localization: { missing: warn, translations: ["l10n/*.csv"] }
${FAST_API}defaults:
  voice: { voice: Rachel }
`;

const TABLE = [
  'id,out,text.en,text.de,lock.de,notes',
  `a,{lang}/a.mp3,Hello there.,Hallo.,${sourceLock('Hello there.')},warm`,
  'b,{lang}/b.mp3,"Two lines,\nwith a comma.",,,',
].join('\n');

const project = (files: Record<string, string> = {}) =>
  makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.csv': `${TABLE}\n`, ...files });

describe('string tables and translations tables with languages', () => {
  test('a string table builds each language; a missing translation warns and is skipped', async () => {
    const dir = await project();
    const sim = await simulator();
    const result = await build({ cwd: dir, env: simEnv(sim) });
    expect(result.project.assets.map((a) => a.id).sort()).toEqual(['a@de', 'a@en', 'b@en']);
    expect(await readFile(join(dir, 'out/de/a.mp3'))).toBeDefined();
    expect(result.project.warnings.some((w) => w.asset?.startsWith('b') && /de/.test(w.message))).toBe(true);
  });

  test('round trip through the CLI library: export → save in l10n/ → build → export is byte-identical', async () => {
    const dir = await project();
    const sim = await simulator();
    await exportStrings({ cwd: dir, out: 'l10n/strings.csv' });
    const saved = await readFile(join(dir, 'l10n/strings.csv'));
    await build({ cwd: dir, env: simEnv(sim) });
    const again = await exportStrings({ cwd: dir });
    expect(Buffer.from(again.csv, 'utf8').equals(saved)).toBe(true);
  });

  test('a translator fills a cell: only that language is generated', async () => {
    const dir = await project();
    const sim = await simulator();
    await build({ cwd: dir, env: simEnv(sim) });
    const { csv } = await exportStrings({ cwd: dir });
    await mkdir(join(dir, 'l10n'), { recursive: true });
    await writeFile(join(dir, 'l10n/strings.csv'), csv.replace('with a comma.",,', 'with a comma.","Zwei Zeilen,\nmit Komma.",'));
    const second = await build({ cwd: dir, env: simEnv(sim) });
    expect(second.summary.generated).toBe(1);
    expect(second.project.assets.find((a) => a.id === 'b@de')?.translation?.stale).toBe(false);
  });

  test('editing the source line marks its translation stale: a warning, and status says so', async () => {
    const dir = await project();
    const sim = await simulator();
    await build({ cwd: dir, env: simEnv(sim) });
    await writeFile(join(dir, 'audio/lines.csv'), `${TABLE.replace('Hello there.,Hallo.', 'Hello again.,Hallo.')}\n`);
    const loaded = await loadProject({ cwd: dir, env: {} });
    expect(loaded.warnings.map((w) => [w.code, w.file, w.line, w.col])).toContainEqual(['W_TRANSLATION_STALE', 'audio/lines.csv', 2, 4]);
    expect(loaded.assets.find((a) => a.id === 'a@de')?.translation?.stale).toBe(true);
    const report = await status({ cwd: dir, env: simEnv(sim) });
    expect(report.assets.find((a) => a.id === 'a@de')?.reason).toContain('source text changed since translation');
    const rebuilt = await build({ cwd: dir, env: simEnv(sim) });
    // the source language only: the German text did not change
    expect(rebuilt.summary.generated).toBe(1);
  });

  test('a translations-table id no asset has: one warning, at its text', async () => {
    const dir = await project({ 'l10n/de.csv': 'id,text.de\na,Hallo.\ngone,Weg.\n' });
    const loaded = await loadProject({ cwd: dir, env: {} });
    const unused = loaded.warnings.filter((w) => w.asset === 'gone').map((w) => [w.code, w.file, w.line, w.col]);
    expect(unused).toEqual([['W_TRANSLATION_UNUSED', 'l10n/de.csv', 3, 2]]);
  });

  test('export lists the localized lines only: a line with one output for every language has no row', async () => {
    const dir = await project({ 'audio/ui.audio.yaml': 'assets:\n  - { id: ui.beep, kind: voice, text: Beep., out: ui/beep.mp3 }\n' });
    const config = CONFIG.replace('include: ["audio/*.csv"]', 'include: ["audio/*.csv", "audio/*.yaml"]');
    await writeFile(join(dir, 'kieaudio.config.yaml'), config);
    const { csv } = await exportStrings({ cwd: dir });
    expect(readCsv(csv, 'export').table?.rows.map((row) => row.cells[0])).toEqual(['a', 'b']);
  });
});
