import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/hash.js';
import { loadStatIndex } from '../../src/store/stat-index.js';
import { tempDir } from '../helpers/project.js';

describe('stat index', () => {
  it('re-reads a file whose bytes changed even when its size and mtime were put back', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a.mp3');
    await writeFile(path, 'one');
    // an mtime well in the past: not "racy"
    const past = new Date(Date.now() - 60_000);
    await utimes(path, past, past);

    const index = await loadStatIndex(dir);
    expect(await index.check('a.mp3', path)).toEqual({ exists: true, contentHash: sha256Hex('one'), size: 3 });
    await index.save();

    // Same size, same mtime, different bytes: the write still moved ctime, so the file is hashed.
    await writeFile(path, 'two');
    await utimes(path, past, past);
    const reloaded = await loadStatIndex(dir);
    expect(await reloaded.check('a.mp3', path)).toEqual({ exists: true, contentHash: sha256Hex('two'), size: 3 });
  });

  it('answers from the index without reading when nothing changed', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a.mp3');
    await writeFile(path, 'one');
    const past = new Date(Date.now() - 60_000);
    await utimes(path, past, past);
    const index = await loadStatIndex(dir);
    await index.check('a.mp3', path);
    await index.save();
    // Corrupt the recorded hash on disk: if check() trusts the entry it returns the corrupt value.
    const file = join(dir, 'stat-index.json');
    const { readFile } = await import('node:fs/promises');
    const data = JSON.parse(await readFile(file, 'utf8'));
    data.entries['a.mp3'].contentHash = 'f'.repeat(64);
    await writeFile(file, JSON.stringify(data));
    const reloaded = await loadStatIndex(dir);
    expect((await reloaded.check('a.mp3', path)) as { contentHash: string }).toMatchObject({ contentHash: 'f'.repeat(64) });
  });

  it('re-reads a file whose mtime is too close to when it was hashed', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a.mp3');
    await writeFile(path, 'one');
    const index = await loadStatIndex(dir);
    await index.check('a.mp3', path);
    await index.save();
    const file = join(dir, 'stat-index.json');
    const { readFile } = await import('node:fs/promises');
    const data = JSON.parse(await readFile(file, 'utf8'));
    data.entries['a.mp3'].contentHash = 'f'.repeat(64);
    await writeFile(file, JSON.stringify(data));
    const reloaded = await loadStatIndex(dir);
    expect(await reloaded.check('a.mp3', path)).toMatchObject({ contentHash: sha256Hex('one') });
  });

  it('reports missing files and non-files', async () => {
    const dir = await tempDir();
    const index = await loadStatIndex(dir);
    expect(await index.check('x', join(dir, 'nope.mp3'))).toEqual({ exists: false });
    expect(await index.check('d', dir)).toMatchObject({ exists: true, contentHash: undefined });
  });

  it('copied() trusts a copy that kept an old mtime, and forgets one with a new mtime', async () => {
    const dir = await tempDir();
    const old = join(dir, 'old.mp3');
    const fresh = join(dir, 'fresh.mp3');
    await writeFile(old, 'one');
    await writeFile(fresh, 'two');
    const past = new Date(Date.now() - 60_000);
    await utimes(old, past, past);
    const index = await loadStatIndex(dir);
    // a stale entry for the fresh copy must not survive
    await utimes(fresh, past, past);
    await index.check('fresh.mp3', fresh);
    await writeFile(fresh, 'TWO');
    // the hash the copier knows; a wrong one shows whether check() reads the file or trusts the entry
    index.copied('old.mp3', old, 'a'.repeat(64));
    index.copied('fresh.mp3', fresh, 'b'.repeat(64));
    expect(await index.check('old.mp3', old)).toMatchObject({ contentHash: 'a'.repeat(64) });
    expect(await index.check('fresh.mp3', fresh)).toMatchObject({ contentHash: sha256Hex('TWO') });
  });
});
