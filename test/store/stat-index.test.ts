import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/store/sha256.js';
import { loadStatIndex, STAT_INDEX_FILE, type StatIndex } from '../../src/store/stat-index.js';
import { tempDir } from '../helpers/project.js';

/**
 * Overwrites the hash the saved index records for `key` and loads it again: a check() that
 * trusts the entry returns the corrupt value, one that reads the file returns the real hash.
 */
async function withCorruptHash(dir: string, key: string): Promise<StatIndex> {
  const file = join(dir, STAT_INDEX_FILE);
  const data = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, { contentHash: string }> };
  const entry = data.entries[key];
  if (!entry) throw new Error(`no entry for ${key}`);
  entry.contentHash = 'f'.repeat(64);
  await writeFile(file, JSON.stringify(data));
  return loadStatIndex(dir);
}

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
    const reloaded = await withCorruptHash(dir, 'a.mp3');
    expect((await reloaded.check('a.mp3', path)) as { contentHash: string }).toMatchObject({ contentHash: 'f'.repeat(64) });
  });

  it('re-reads a file whose mtime is too close to when it was hashed', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a.mp3');
    await writeFile(path, 'one');
    const index = await loadStatIndex(dir);
    await index.check('a.mp3', path);
    await index.save();
    const reloaded = await withCorruptHash(dir, 'a.mp3');
    expect(await reloaded.check('a.mp3', path)).toMatchObject({ contentHash: sha256Hex('one') });
  });

  it('reports missing files and non-files', async () => {
    const dir = await tempDir();
    const index = await loadStatIndex(dir);
    expect(await index.check('x', join(dir, 'nope.mp3'))).toEqual({ exists: false });
    expect(await index.check('d', dir)).toMatchObject({ exists: true, contentHash: undefined });
  });

  it('copied() trusts a copy that kept an old mtime, and keeps no entry for one with a new mtime', async () => {
    const dir = await tempDir();
    const old = join(dir, 'old.mp3');
    const fresh = join(dir, 'fresh.mp3');
    await writeFile(old, 'one');
    await writeFile(fresh, 'two');
    const past = new Date(Date.now() - 60_000);
    await utimes(old, past, past);
    const index = await loadStatIndex(dir);
    // a wrong hash shows whether check() trusts the entry or reads the file
    index.copied('old.mp3', old, 'a'.repeat(64));
    index.copied('fresh.mp3', fresh, 'b'.repeat(64));
    expect(await index.check('old.mp3', old)).toMatchObject({ contentHash: 'a'.repeat(64) });
    await index.save();
    const saved = JSON.parse(await readFile(join(dir, STAT_INDEX_FILE), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(saved.entries)).toEqual(['old.mp3']);
  });
});
