import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sortKeys } from '../../src/store/canonical-json.js';
import { type LockEntry, type LockFile, parseLockFile, type SceneLockEntry } from '../../src/store/lock-file.js';
import { lockTextDigest, lockTextPieces, writeLockText } from '../../src/store/lock-text.js';
import { createTempDir } from '../helpers/temp-dir.js';

function entry(id: string, input: Record<string, unknown>, extra: Partial<LockEntry> = {}): LockEntry {
  return { id, kind: 'voice', model: 'm', input, specHash: 'a'.repeat(64), contentHash: 'b'.repeat(64), size: 3, ...extra };
}

/** What the lock file has always been: the whole lock, keys sorted, two-space indent, a newline. */
function reference(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

function lockOf(assets: Record<string, LockEntry>): LockFile {
  const record = Object.create(null) as Record<string, LockEntry>;
  for (const [out, e] of Object.entries(assets)) record[out] = e;
  return { version: 1, assets: record };
}

describe('lock text', () => {
  it('in pieces is exactly the text of the whole lock', () => {
    const locks = [
      lockOf({}),
      lockOf({ 'a.mp3': entry('a', {}) }),
      lockOf({
        'z/é.mp3': entry('z', { text: 'quote " and\nnewline\ttab', voice: 'Rachel', nested: { b: [1, { d: 2, c: [] }], a: {} } }),
        'B.mp3': entry('b', { text: '' }, { taskId: 't1', placeholder: true }),
        'a b.mp3': entry('ab', { list: ['x', 'y'], n: 0.5, none: null }),
        ['__proto__']: entry('p', { text: 'odd key' }),
      }),
    ];
    expect(Object.keys(locks[2]?.assets ?? {})).toContain('__proto__');
    for (const lock of locks) {
      expect([...lockTextPieces(lock)].join('')).toBe(reference(lock));
    }
  });

  it('with scene files, is still exactly the text of the whole lock; a lock that can parse it reads it back', () => {
    const scene: SceneLockEntry = {
      id: 's',
      contentHash: 'c'.repeat(64),
      size: 9,
      gap: 0.5,
      lines: [{ id: 's.1', out: 'a.mp3', contentHash: 'b'.repeat(64) }],
      duration: 1.25,
      ffmpeg: 'ffmpeg 4.1',
      key: 'd'.repeat(64),
      sidecars: { 'scene.srt': 'e'.repeat(64) },
    };
    const lock: LockFile = { ...lockOf({ 'a.mp3': entry('a', {}) }), scenes: { 'scene.ogg': scene } };
    const text = [...lockTextPieces(lock)].join('');
    expect(text).toBe(reference(lock));
    expect(parseLockFile(text, 'kieaudio.lock')).toEqual(lock);
    expect([...lockTextPieces({ ...lockOf({}), scenes: { 'scene.ogg': scene } })].join('')).toBe(
      reference({ ...lockOf({}), scenes: { 'scene.ogg': scene } }),
    );
    const unsafe = text.replace('"scene.srt"', '"../scene.srt"');
    expect(() => parseLockFile(unsafe, 'kieaudio.lock')).toThrow(/unsafe scene file path/);
  });

  it('is written whole, and not at all when it would not change', async ({ onTestFinished }) => {
    const dir = await createTempDir(onTestFinished);
    const path = join(dir, 'kieaudio.lock');
    const assets: Record<string, LockEntry> = {};
    // several write batches' worth
    for (let i = 0; i < 1000; i++) assets[`voice/line-${i}.mp3`] = entry(`line.${i}`, { text: `Line ${i}: the caravan leaves at dawn.` });
    const lock = lockOf(assets);

    const digest = await writeLockText(path, lock, undefined);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(reference(lock));
    expect(digest).toBe(lockTextDigest(text));

    const before = await stat(path);
    expect(await writeLockText(path, lock, digest)).toBe(digest);
    expect((await stat(path)).ino, 'an unchanged lock is not replaced').toBe(before.ino);
    expect(await readdir(dir), 'no temp file is left').toEqual(['kieaudio.lock']);
  });
});
