import { describe, expect, test } from 'vitest';
import { readCsv } from '../../src/spec/csv-table.js';
import { loadProject } from '../../src/spec/load.js';
import { readStringTable } from '../../src/spec/string-table.js';
import { sourceLock } from '../../src/spec/translations.js';
import { makeProject } from '../helpers/project.js';
import { expectValidationError, where } from './helpers.js';

const CONFIG = 'version: 1\ninclude: ["audio/**/*.yaml", "audio/**/*.csv"]\ndefaults:\n  voice: { voice: Rachel }\n';
const CSV_CONFIG = CONFIG.replace('"audio/**/*.yaml", ', '');

function table(text: string, languages: string[] = []) {
  const csv = readCsv(text, 's.csv');
  if (csv.table === undefined) throw new Error(csv.diagnostic.message);
  return readStringTable(csv.table, 's.csv', languages);
}

describe('readStringTable', () => {
  test('rows become assets: kind defaults to voice, parameters are typed, empty cells are not set', () => {
    const t = table('id,out,text,stability,timestamps,speed\na,a.mp3,Hello,0.5,TRUE,\nb,b.mp3,Hi,abc,false,1\n');
    expect(t.diagnostics).toEqual([]);
    expect(t.data?.assets).toEqual([
      { kind: 'voice', id: 'a', out: 'a.mp3', text: 'Hello', stability: 0.5, timestamps: true },
      { kind: 'voice', id: 'b', out: 'b.mp3', text: 'Hi', stability: 'abc', timestamps: false, speed: 1 },
    ]);
  });

  test('the source text.<lang> is the asset text; the others, with their locks, are translations', () => {
    const t = table('id,out,text.en,text.de,lock.de,notes\na,a.mp3,Hello,Hallo,1234abcd,say it warmly\nb,b.mp3,Bye,,,\n', ['en', 'de']);
    expect(t.diagnostics).toEqual([]);
    expect(t.sourceLanguage).toBe('en');
    expect(t.data?.assets.map((a) => a.text)).toEqual(['Hello', 'Bye']);
    // an empty translation cell is a missing translation
    expect(t.translations).toEqual([
      { id: 'a', language: 'de', text: { text: 'Hallo', lock: '1234abcd', at: { file: 's.csv', line: 2, col: 4 } } },
    ]);
    expect([...t.notes]).toEqual([['a', 'say it warmly']]);
  });

  test('without languages, the first text.<lang> column is the source', () => {
    const t = table('id,out,text.fr,text.en\na,a.mp3,Bonjour,Hello\n');
    expect(t.sourceLanguage).toBe('fr');
    expect(t.data?.assets[0]?.text).toBe('Bonjour');
    expect(t.translations.map((x) => [x.language, x.text.text])).toEqual([['en', 'Hello']]);
  });

  test('header problems are errors at their header cell', () => {
    const t = table('id,out,txt,text.fr,lock.en,out\na,a.mp3,x,y,z,w\n', ['en', 'de']);
    expect(t.data).toBeUndefined();
    expect(t.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual([
      '1:3 E_CSV_COLUMN',
      '1:4 E_CSV_COLUMN',
      '1:5 E_CSV_COLUMN',
      '1:6 E_CSV_COLUMN',
    ]);
    expect(t.diagnostics[0]?.message).toContain('did you mean "text"');
    expect(t.diagnostics[1]?.message).toContain('expected a language of `languages` (en, de), found "fr"');
    expect(table('out,text\na.mp3,x\n').diagnostics[0]?.message).toContain('expected an `id` column');
  });

  test('cells are located: a path into an asset points at its cell', () => {
    const t = table('id,out,text\na,a.mp3,x\nb,b.mp3,y\n');
    expect(t.locate(['assets', 1, 'text'])).toEqual({ line: 3, col: 3 });
    expect(t.locate(['assets', 1])).toEqual({ line: 3, col: 1 });
    expect(t.locate(['assets', 0, 'voice'])).toEqual({ line: 2, col: 1 });
  });
});

describe('string tables in a project', () => {
  test('load like YAML assets, beside them', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/lines.csv':
        'id,speaker,out,text,stability,notes\r\nguard.halt,,npc/halt.mp3,"Halt! Who goes there,\r\nstranger?",0.4,shout\r\n',
      'audio/sfx.audio.yaml': 'assets:\n  - { id: door, kind: effect, text: a door creaks, out: sfx/door.mp3 }\n',
    });
    const project = await loadProject({ cwd: dir, env: {} });
    expect(project.warnings).toEqual([]);
    const halt = project.assets.find((a) => a.id === 'guard.halt');
    expect(halt?.input).toEqual({ text: 'Halt! Who goes there,\r\nstranger?', voice: 'Rachel', stability: 0.4 });
    expect(halt?.source).toMatchObject({ file: 'audio/lines.csv', line: 2, col: 1 });
    expect(project.strings?.notes['guard.halt']).toBe('shout');
    // what a snapshot of the project keeps: JSON carries it exactly
    expect(JSON.parse(JSON.stringify(project.strings))).toEqual(project.strings);
  });

  test('invalid cells fail validation at file:row:column, as YAML values do', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CSV_CONFIG,
      'audio/lines.csv': 'id,out,text,stability,speed\na,a.mp3,Hi,0.4,1\nb,b.mp3,Hi,2,0.5\n',
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: dir, env: {} }));
    expect(diagnostics.map(where)).toEqual(['audio/lines.csv:3:4 E_RANGE [b] stability', 'audio/lines.csv:3:5 E_RANGE [b] speed']);
  });

  test('an unknown column or a malformed row: exit 2 at its position, nothing resolved', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CSV_CONFIG,
      'audio/a.csv': 'id,out,text,stabilty\na,a.mp3,Hi,0.4\n',
      'audio/b.csv': 'id,out,text\nb,b.mp3,Hi\nc,c.mp3\n',
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: dir, env: {} }));
    expect(diagnostics.map(where)).toEqual(['audio/a.csv:1:4 E_CSV_COLUMN', 'audio/b.csv:3:1 E_CSV_ROW']);
    expect(diagnostics[0]?.message).toContain('did you mean "stability"');
  });

  test('an id in both a string table and a YAML file: exit 2 naming both places', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/a.audio.yaml': 'assets:\n  - { id: dup, kind: voice, text: hi, out: a.mp3 }\n',
      'audio/b.csv': 'id,out,text\nok,ok.mp3,Hi\ndup,b.mp3,Hi\n',
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: dir, env: {} }));
    expect(diagnostics.map(where)).toEqual(['audio/b.csv:3:1 E_DUPLICATE_ID [dup] id']);
    expect(diagnostics[0]?.message).toContain('audio/a.audio.yaml:2');
  });

  test('the locks of a string table flow into the translations, stale or not (the resolver marks and warns)', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CSV_CONFIG,
      'audio/lines.csv': `id,out,text.en,text.de,lock.de\na,a.mp3,Hello,Hallo,${sourceLock('Hello')}\nb,b.mp3,Good bye,Tschüss,${sourceLock('Bye')}\n`,
    });
    const project = await loadProject({ cwd: dir, env: {} });
    expect(project.strings?.sourceLanguage).toBe('en');
    expect(project.strings?.translations.a?.de).toMatchObject({ text: 'Hallo', lock: sourceLock('Hello') });
    expect(project.strings?.translations.b?.de).toEqual({
      text: 'Tschüss',
      lock: sourceLock('Bye'),
      at: { file: 'audio/lines.csv', line: 3, col: 4 },
    });
  });
});
