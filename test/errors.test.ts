import { mkdir, readFile, rename, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KieaudioError, toKieaudioError } from '../src/errors.js';
import { tempDir } from './helpers/project.js';

/** What `fn` threw: real errors from the real file system, never made up. */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('toKieaudioError: a file system error is one line with the path and a hint', () => {
  it('says what failed on which path in words, with the errno and a hint, and keeps the original as its cause', async () => {
    const dir = await tempDir();
    const error = await thrown(() => writeFile(dir, 'x'));
    const e = toKieaudioError(error);
    expect(e).toBeInstanceOf(KieaudioError);
    expect(e.code).toBe('E_IO');
    // outside the working directory, the path is shown whole
    expect(e.message).toBe(`cannot write ${dir}: it is a folder (EISDIR); kieaudio never replaces a folder: move or remove it`);
    expect(e.details).toEqual({ path: dir, errno: 'EISDIR', syscall: 'open' });
    expect(e.cause).toBe(error);
    const read = toKieaudioError(await thrown(() => readFile(dir)), 'E_IO', { action: 'read', path: dir });
    expect(read.message).toBe(`cannot read ${dir}: it is a folder (EISDIR); a file was expected there`);
  });

  it('names the target of a rename and the file a temp file stands for, never the temp name', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a.mp3'));
    await writeFile(join(dir, '.a.mp3.123.abc0.kieaudio-tmp'), 'x');
    await writeFile(join(dir, 'blocker'), 'x');
    const renamed = toKieaudioError(await thrown(() => rename(join(dir, '.a.mp3.123.abc0.kieaudio-tmp'), join(dir, 'a.mp3'))));
    expect(renamed.message).toMatch(/^cannot write .*\/a\.mp3: it is a folder \(EISDIR\)/);
    const made = toKieaudioError(await thrown(() => mkdir(join(dir, 'blocker', 'sub'))));
    expect(made.message).toMatch(
      /^cannot create the folder .*\/blocker\/sub: a file is in the way where a folder is needed \(ENOTDIR\); move or remove that file$/,
    );
    const temp = toKieaudioError(await thrown(() => rmdir(join(dir, '.a.mp3.9.zz.kieaudio-tmp'))));
    expect(temp.message).toMatch(/^cannot write .*\/a\.mp3: it does not exist \(ENOENT\)/);
  });

  it('takes the action and the path from the caller when the error has none to tell', async () => {
    const dir = await tempDir();
    const e = toKieaudioError(await thrown(() => readFile(join(dir, 'gone'))), 'E_IO', { action: 'write', path: join(dir, 'x.lock') });
    expect(e.message).toMatch(/^cannot write .*\/x\.lock: it does not exist \(ENOENT\)/);
  });

  it('leaves KieaudioErrors alone and gives anything else the code asked for', () => {
    const known = new KieaudioError('E_LOCKED', 'busy');
    expect(toKieaudioError(known)).toBe(known);
    expect(toKieaudioError(new Error('boom'), 'E_DOWNLOAD')).toMatchObject({ code: 'E_DOWNLOAD', message: 'boom' });
  });
});
