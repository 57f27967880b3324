import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDamagedRecord } from '../../src/store/cache-repair.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { sha256Hex } from '../../src/store/sha256.js';
import { tempDir } from '../helpers/project.js';

const HASH = 'd'.repeat(64);
const MP3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00'), Buffer.alloc(100, 1)]);

/** A cache whose entry for HASH has `data` and a record file holding `record` (text as it is). */
async function damagedCache(data: Buffer | undefined, record: string) {
  const dir = await tempDir();
  const cache = createContentCache(join(dir, 'cache'));
  await mkdir(dirname(cache.dataPath(HASH)), { recursive: true });
  if (data) await writeFile(cache.dataPath(HASH), data);
  await writeFile(cache.recordPath(HASH), record);
  return { dir, cache };
}

describe('a damaged cache record', () => {
  it('is damaged, not absent, whatever is wrong with it: empty, cut short, not JSON, the wrong shape', async () => {
    const good = JSON.stringify({ contentHash: sha256Hex(MP3), size: MP3.length, model: 'm' });
    for (const text of ['', good.slice(0, 25), 'not json', '{"contentHash":"x"}', '[]']) {
      const { cache } = await damagedCache(MP3, text);
      expect(await cache.lookup(HASH), JSON.stringify(text)).toBeUndefined();
      expect(cache.isDamaged(HASH), JSON.stringify(text)).toBe(true);
    }
    const { cache } = await damagedCache(MP3, good);
    expect(await cache.lookup(HASH)).toMatchObject({ contentHash: sha256Hex(MP3) });
    expect(cache.isDamaged(HASH)).toBe(false);
  });

  it('is rebuilt from audio that matches the lock, with the task the lock names', async () => {
    const { cache } = await damagedCache(MP3, '{"contentH');
    await cache.lookup(HASH);
    const lock = [
      { contentHash: 'e'.repeat(64), taskId: 'older-take' },
      { contentHash: sha256Hex(MP3), taskId: 't1', baseUrl: 'https://api.kie.ai', generatedAt: '2026-01-01T00:00:00.000Z' },
    ];
    const repair = await checkDamagedRecord(cache, HASH, { model: 'm', container: 'mp3', lock });
    expect(repair).toEqual({
      kind: 'rebuild',
      recordPath: cache.recordPath(HASH),
      checkedAgainst: 'lock',
      record: {
        contentHash: sha256Hex(MP3),
        size: MP3.length,
        model: 'm',
        taskId: 't1',
        baseUrl: 'https://api.kie.ai',
        generatedAt: '2026-01-01T00:00:00.000Z',
      },
    });
    // reads only: the record is still the damaged one until a build commits the rebuilt record
    expect(await readFile(cache.recordPath(HASH), 'utf8')).toBe('{"contentH');
  });

  it('is rebuilt from audio of the right container when the lock records nothing for the spec', async () => {
    const { cache } = await damagedCache(MP3, '');
    expect(await checkDamagedRecord(cache, HASH, { model: 'm', container: 'mp3', lock: [] })).toMatchObject({
      kind: 'rebuild',
      checkedAgainst: 'container',
      record: { contentHash: sha256Hex(MP3), size: MP3.length, model: 'm' },
    });
  });

  it('cannot be rebuilt from audio that is missing, not what the lock records, or of the wrong container', async () => {
    const cases: Array<[Buffer | undefined, Array<{ contentHash: string }>, string, string]> = [
      [undefined, [], 'mp3', 'its audio is missing'],
      [MP3, [{ contentHash: 'e'.repeat(64) }], 'mp3', 'its audio is not what the lock records'],
      [MP3, [], 'wav', 'its audio is mp3, not wav'],
      [Buffer.from('<html>oops</html>'), [], 'mp3', 'its audio is not audio, not mp3'],
    ];
    for (const [data, lock, container, why] of cases) {
      const { cache } = await damagedCache(data, 'garbage');
      const repair = await checkDamagedRecord(cache, HASH, { model: 'm', container: container as 'mp3' | 'wav', lock });
      expect(repair, why).toEqual({ kind: 'set-aside', recordPath: cache.recordPath(HASH), why });
    }
  });

  it('is set aside with its audio, never deleted, where no lookup or listing sees it', async () => {
    const { dir, cache } = await damagedCache(MP3, 'garbage');
    await cache.lookup(HASH);
    const moved = await cache.setAside(HASH);
    expect(moved.startsWith(join(dir, 'cache', 'damaged', HASH))).toBe(true);
    expect(await readFile(moved, 'utf8')).toBe('garbage');
    expect(await readFile(moved.replace(/\.json$/, '.audio'))).toEqual(MP3);
    expect(await readdir(dirname(cache.dataPath(HASH)))).toEqual([]);
    expect(await cache.list()).toEqual([]);
    expect(await cache.lookup(HASH)).toBeUndefined();
    expect(cache.isDamaged(HASH)).toBe(false);
  });
});
