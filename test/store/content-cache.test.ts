import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContentCache } from '../../src/store/content-cache.js';
import { sha256Hex } from '../../src/store/sha256.js';
import { tempDir } from '../helpers/project.js';

const HASH = 'c'.repeat(64);

describe('content cache', () => {
  it('puts an entry where join() would, whatever the form of the cache folder given', () => {
    for (const dir of ['cache', 'cache/', './a/../cache', '/tmp/x/cache', '/tmp/x/cache/']) {
      const cache = createContentCache(dir);
      expect(cache.dataPath(HASH), dir).toBe(join(dir, 'cc', `${HASH}.audio`));
    }
  });

  it('stores by spec hash and copies out verified', async () => {
    const dir = await tempDir();
    const cache = createContentCache(join(dir, 'cache'));
    expect(await cache.lookup(HASH)).toBeUndefined();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'cache', 'cc'), { recursive: true });
    await writeFile(cache.dataPath(HASH), 'audio');
    await cache.commit(HASH, { contentHash: sha256Hex('audio'), size: 5, model: 'm' });
    expect(await cache.list()).toEqual([HASH]);
    expect(await cache.copyTo(HASH, join(dir, 'out', 'a.mp3'))).toBe(true);
    expect(await readFile(join(dir, 'out', 'a.mp3'), 'utf8')).toBe('audio');
  });

  it('never installs a damaged entry, and drops it', async () => {
    const dir = await tempDir();
    const cache = createContentCache(join(dir, 'cache'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'cache', 'cc'), { recursive: true });
    await writeFile(cache.dataPath(HASH), 'audio');
    await cache.commit(HASH, { contentHash: sha256Hex('audio'), size: 5, model: 'm' });
    await writeFile(cache.dataPath(HASH), 'AUDIO');
    expect(await cache.copyTo(HASH, join(dir, 'a.mp3'))).toBe(false);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['cache']);
    expect(await cache.lookup(HASH)).toBeUndefined();
  });

  it('copyVouchedSync copies only entries looked up and vouched for by their stat data', async () => {
    const dir = await tempDir();
    const { mkdir, utimes } = await import('node:fs/promises');
    await mkdir(join(dir, 'cache', 'cc'), { recursive: true });
    await mkdir(join(dir, 'out'));
    const writer = createContentCache(join(dir, 'cache'));
    await writeFile(writer.dataPath(HASH), 'audio');
    // just written: its mtime is too close to the check to vouch for it
    await writer.commit(HASH, { contentHash: sha256Hex('audio'), size: 5, model: 'm' });
    const fresh = createContentCache(join(dir, 'cache'));
    expect(fresh.copyVouchedSync(HASH, join(dir, 'out', 'a.mp3'))).toBeUndefined(); // not looked up yet
    await fresh.lookup(HASH);
    expect(fresh.copyVouchedSync(HASH, join(dir, 'out', 'a.mp3'))).toBeUndefined(); // racy
    const past = new Date(Date.now() - 60_000);
    await utimes(writer.dataPath(HASH), past, past);
    await writer.commit(HASH, { contentHash: sha256Hex('audio'), size: 5, model: 'm' });
    const aged = createContentCache(join(dir, 'cache'));
    const record = await aged.lookup(HASH);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(dir, 'out'))).toEqual([]);
    expect(aged.copyVouchedSync(HASH, join(dir, 'out', 'a.mp3'))).toEqual(record);
    expect(await readFile(join(dir, 'out', 'a.mp3'), 'utf8')).toBe('audio');
    expect(await readdir(join(dir, 'out'))).toEqual(['a.mp3']);
  });
});
