import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DotEnv, dotEnvWarnings, explainMissing, parseDotEnv, readDotEnv } from '../../src/spec/dotenv.js';
import { tempDir } from '../helpers/project.js';

describe('parseDotEnv', () => {
  it('drops a UTF-8 byte order mark before the first key', () => {
    expect(parseDotEnv('\uFEFFKIE_API_KEY=k\n')).toEqual({ values: { KIE_API_KEY: 'k' }, skippedLines: [] });
  });

  it('skips lines that are not KEY=VALUE, by number, instead of gluing them to the next key', () => {
    const text = 'pasted by mistake\nKIE_API_KEY=k\n\n# a comment\nexport OTHER=1\nA B=2\n=3\nlast words';
    expect(parseDotEnv(text)).toEqual({ values: { KIE_API_KEY: 'k', OTHER: '1' }, skippedLines: [1, 6, 7, 8] });
  });

  it('keeps quoted values that span lines whole, and CRLF files', () => {
    expect(parseDotEnv('A="one\nnot a key\ntwo"\r\nB=\'x\'\r\nC=`y\nz`\nD=1 # note\n')).toEqual({
      values: { A: 'one\nnot a key\ntwo', B: 'x', C: 'y\nz', D: '1' },
      skippedLines: [],
    });
  });
});

describe('readDotEnv and what is said about it', () => {
  const read = (values: DotEnv['values'], skippedLines: number[] = []): DotEnv => ({ file: '.env', state: 'read', values, skippedLines });

  it('tells a missing file from an unreadable one', async () => {
    const dir = await tempDir();
    expect(await readDotEnv(join(dir, '.env'), '.env')).toMatchObject({ state: 'missing', values: {} });
    await mkdir(join(dir, 'folder.env'));
    const folder = await readDotEnv(join(dir, 'folder.env'), 'folder.env');
    expect(folder).toMatchObject({ state: 'unreadable', values: {} });
    expect(explainMissing('KIE_API_KEY', folder, {})).toMatch(
      /^It is not in the environment, and cannot read .*folder\.env: it is a folder \(EISDIR\); a file was expected there\.$/,
    );
    await writeFile(join(dir, '.env'), 'X=1\n');
    expect(await readDotEnv(join(dir, '.env'), '.env')).toEqual({ file: '.env', state: 'read', values: { X: '1' }, skippedLines: [] });
  });

  it('explains a missing key: no file, a near name, an empty value, the environment winning, skipped lines', () => {
    const none: DotEnv = { file: '../.env', state: 'missing', values: {}, skippedLines: [] };
    expect(explainMissing('KIE_API_KEY', none, {})).toBe(
      'It is not in the environment, and there is no ../.env (looked for it beside the config).',
    );
    expect(explainMissing('KIE_API_KEY', read({ KIE_API_KY: 'x' }, [3]), {})).toBe(
      'It is not in the environment; .env was read; it does not set KIE_API_KEY; it sets KIE_API_KY instead (names must match exactly); line 3 is not KEY=VALUE and was skipped.',
    );
    expect(explainMissing('KIE_API_KEY', read({ KIE_API_KEY: ' ' }), {})).toBe(
      'It is not in the environment; .env was read; it sets KIE_API_KEY to an empty value.',
    );
    expect(explainMissing('KIE_API_KEY', read({ KIE_API_KEY: 'k' }), { KIE_API_KEY: '' })).toBe(
      'The environment sets KIE_API_KEY to an empty value, which takes precedence over .env.',
    );
  });

  it('warns once per skipped line, with its number and never its text', () => {
    expect(dotEnvWarnings(read({}, [1, 4]))).toEqual([
      expect.objectContaining({ file: '.env', line: 1, col: 1, severity: 'warning', code: 'W_DOTENV_LINE' }),
      expect.objectContaining({ file: '.env', line: 4, col: 1, severity: 'warning', code: 'W_DOTENV_LINE' }),
    ]);
  });
});
