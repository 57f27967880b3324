import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyLockFile, type LockEntry, serializeLockFile } from '../../src/store/lock-file.js';
import { createLockWriter, lockWriteDelay } from '../../src/store/lock-writer.js';
import { createTempDir } from '../helpers/temp-dir.js';

function entry(id: string): LockEntry {
  return { id, kind: 'voice', model: 'm', input: { text: id }, specHash: 'a'.repeat(64), contentHash: 'b'.repeat(64), size: 3 };
}

describe('lock writer', () => {
  it('waits longer after a slow write, so that rewriting a large lock takes a bounded share of the build', () => {
    expect(lockWriteDelay(200, 1)).toBe(200);
    expect(lockWriteDelay(200, 10)).toBe(200);
    // a 10,000-entry lock (5 MB) takes tens of ms to serialize and write: not five times a second
    expect(lockWriteDelay(200, 60)).toBe(1200);
    expect(lockWriteDelay(200, 500)).toBe(10_000);
  });

  it('after a burst of changes, the file holds every set and delete, as the lock text serializes them', async ({ onTestFinished }) => {
    const dir = await createTempDir(onTestFinished);
    const path = join(dir, 'kieaudio.lock');
    const writer = createLockWriter(path, emptyLockFile(), undefined);
    for (let i = 0; i < 100; i++) writer.set(`voice/${i}.mp3`, entry(`line.${i}`));
    writer.delete('voice/7.mp3');
    await writer.flush();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(serializeLockFile(writer.lock));
    expect(Object.keys(writer.lock.assets)).toHaveLength(99);
  });
});
