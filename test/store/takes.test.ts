/** The take store: numbering, keeping the cache's main entry (with what is kept beside it), and a lost index. */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/store/atomic-write.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { sha256Hex } from '../../src/store/sha256.js';
import { createTakeStore, takeKey } from '../../src/store/takes.js';
import { tempDir } from '../helpers/project.js';

const SPEC = 'a'.repeat(64);

/** A cache whose main entry for SPEC holds `audio`, and a take store over it. */
async function cacheWith(audio: string) {
  const dir = join(await tempDir(), 'cache');
  const cache = createContentCache(dir);
  // as a download does: a new file renamed into place, never the old one written over
  const put = async (data: string, taskId: string) => {
    await mkdir(dirname(cache.dataPath(SPEC)), { recursive: true });
    await writeFileAtomic(cache.dataPath(SPEC), data);
    await cache.commit(SPEC, { contentHash: sha256Hex(data), size: data.length, model: 'm', taskId });
  };
  await put(audio, 'task-1');
  return { dir, cache, takes: createTakeStore(cache), put };
}

describe('takes', () => {
  it('keeps the main entry under its take key before it is replaced, with every file kept beside it', async () => {
    const { cache, takes, put } = await cacheWith('first');
    const sidecar = cache.dataPath(SPEC).replace(/\.audio$/, '.timings.json');
    await writeFile(sidecar, '{"first":true}');
    await takes.keepCurrent(SPEC);
    await put('second', 'task-2');
    await takes.record(SPEC, { contentHash: sha256Hex('second'), size: 6, taskId: 'task-2', credits: 3 });

    expect((await takes.list(SPEC)).map((t) => [t.n, t.taskId, t.credits])).toEqual([
      [1, 'task-1', undefined],
      [2, 'task-2', 3],
    ]);
    const first = await takes.locate(SPEC, { n: 1, contentHash: sha256Hex('first') });
    expect(first?.key).toBe(takeKey(SPEC, 1));
    expect(await readFile(cache.dataPath(takeKey(SPEC, 1)), 'utf8')).toBe('first');
    expect(await readFile(cache.dataPath(takeKey(SPEC, 1)).replace(/\.audio$/, '.timings.json'), 'utf8')).toBe('{"first":true}');
    // the newest is the main entry; the kept one is an ordinary entry, copied out verified
    expect((await takes.locate(SPEC, { n: 2, contentHash: sha256Hex('second') }))?.key).toBe(SPEC);
    const dest = join(dirname(cache.dir), 'out.mp3');
    expect(await cache.copyTo(takeKey(SPEC, 1), dest)).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe('first');
    expect(await takes.keys(SPEC)).toEqual([takeKey(SPEC, 1), takeKey(SPEC, 2)]);
  });

  it('keeping a take twice, or recording the same audio again, adds nothing', async () => {
    const { takes } = await cacheWith('first');
    await takes.keepCurrent(SPEC);
    await takes.keepCurrent(SPEC);
    await takes.record(SPEC, { contentHash: sha256Hex('first'), size: 5, credits: 4 });
    expect(await takes.list(SPEC)).toEqual([{ n: 1, contentHash: sha256Hex('first'), size: 5, taskId: 'task-1', credits: 4 }]);
  });

  it('rebuilds a lost index from the kept entries, and never numbers a new take over a kept one', async () => {
    const { dir, cache, put } = await cacheWith('first');
    const takes = createTakeStore(cache);
    await takes.keepCurrent(SPEC);
    await put('second', 'task-2');
    await takes.keepCurrent(SPEC);
    const index = join(dir, 'takes', SPEC.slice(0, 2), `${SPEC}.json`);
    expect((await stat(index)).isFile()).toBe(true);
    await writeFile(index, 'not json');
    const again = createTakeStore(createContentCache(dir));
    expect((await again.list(SPEC)).map((t) => [t.n, t.taskId])).toEqual([
      [1, 'task-1'],
      [2, 'task-2'],
    ]);
    await rm(index);
    const fresh = createTakeStore(createContentCache(dir));
    await rm(cache.recordPath(takeKey(SPEC, 1)));
    // take 1's record is gone (dropped as damaged), take 2's is not: a new take is 3, never 2 again
    expect((await fresh.list(SPEC)).map((t) => t.n)).toEqual([2]);
    const third = await fresh.record(SPEC, { contentHash: sha256Hex('third'), size: 5 });
    expect(third.n).toBe(3);
  });
});
