import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/spec/load.js';
import { LOCK_FILE_NAME, type LockEntry, serializeLockFile } from '../../src/store/lock-file.js';
import { createStoreMemo } from '../../src/store/store-memo.js';
import { makeProject } from '../helpers/project.js';

const CONFIG = 'version: 1\ninclude: ["*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
const SPEC = 'assets:\n  - { id: a, kind: voice, text: "Alpha.", out: a.mp3 }\n';

const entry = (contentHash: string): LockEntry => ({
  id: 'a',
  kind: 'voice',
  model: 'm',
  input: { text: 'Alpha.' },
  specHash: 'f'.repeat(64),
  contentHash,
  size: 3,
});

async function setup() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'a.audio.yaml': SPEC });
  const lockPath = join(dir, LOCK_FILE_NAME);
  await writeFile(lockPath, serializeLockFile({ version: 1, assets: { 'a.mp3': entry('1'.repeat(64)) } }));
  return { project: await loadProject({ cwd: dir, env: {} }), lockPath };
}

describe('store memo', () => {
  it('keeps the lock in memory while the file is the one it read', async () => {
    const { project } = await setup();
    const memo = createStoreMemo(LOCK_FILE_NAME);
    const first = await memo.open(project);
    memo.settle(first, true);
    const second = await memo.open(project);
    expect(second.lock).toBe(first.lock);
    expect(second.statIndex).toBe(first.statIndex);
  });

  it('reads a lock edited in place with the same size and its mtime put back', async () => {
    const { project, lockPath } = await setup();
    const memo = createStoreMemo(LOCK_FILE_NAME);
    const first = await memo.open(project);
    memo.settle(first, true);
    const before = await stat(lockPath);
    const text = await readFile(lockPath, 'utf8');
    await writeFile(lockPath, text.replace('1'.repeat(64), '2'.repeat(64)));
    await utimes(lockPath, before.atime, before.mtime);
    expect((await stat(lockPath)).size).toBe(before.size);
    const second = await memo.open(project);
    expect(second.lock.assets['a.mp3']?.contentHash).toBe('2'.repeat(64));
  });

  it('reads the lock again after a build that failed, and sees a lock deleted', async () => {
    const { project, lockPath } = await setup();
    const memo = createStoreMemo(LOCK_FILE_NAME);
    const first = await memo.open(project);
    memo.settle(first, false);
    const second = await memo.open(project);
    expect(second.lock).not.toBe(first.lock);
    expect(second.lock).toEqual(first.lock);
    memo.settle(second, true);
    await writeFile(lockPath, '');
    await expect(memo.open(project)).rejects.toMatchObject({ code: 'E_LOCK_DAMAGED' });
  });
});
