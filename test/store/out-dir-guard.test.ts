import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutFolders } from '../../src/store/out-dir-guard.js';
import { deadPid } from '../helpers/dead-pid.js';
import { createTempDir } from '../helpers/temp-dir.js';

/** A temp file as a killed kieaudio process leaves it beside `name`. */
async function killedTemp(folder: string, name: string): Promise<string> {
  const temp = `.${name}.${await deadPid()}.0000a.kieaudio-tmp`;
  await writeFile(join(folder, temp), 'half a file');
  return temp;
}

describe('output folders', () => {
  it('sweep a folder once per build, even when it is checked again before every install', async ({ onTestFinished }) => {
    const outDir = await createTempDir(onTestFinished);
    const folders = createOutFolders(outDir);
    const folder = join(outDir, 'voice');
    const dest = join(folder, 'a.mp3');

    await folders.prepare(dest);
    // An --offline build checks the folder again before each install: re-reading a folder of a
    // thousand outputs for each of them made its work (and garbage) grow with the square.
    const temp = await killedTemp(folder, 'a.mp3');
    await folders.prepare(dest, true);
    expect(await readdir(folder), 'checked again, not swept again').toEqual([temp]);

    await rm(folder, { recursive: true });
    await folders.prepare(dest, true);
    expect(await readdir(folder), 'a deleted folder is made again').toEqual([]);

    await killedTemp(folder, 'a.mp3');
    const nextBuild = createOutFolders(outDir);
    await nextBuild.prepare(dest);
    expect(await readdir(folder), 'the next build sweeps it').toEqual([]);
  });
});
