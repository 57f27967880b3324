import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireBuildLock, BUILD_LOCK_FILE } from '../../src/store/build-lock.js';
import { deadPid } from '../helpers/dead-pid.js';
import { tempDir } from '../helpers/project.js';

describe('build lock', () => {
  it('a second holder fails without wait, and gets the lock once the first releases it', async () => {
    const dir = await tempDir();
    const first = await acquireBuildLock(dir, { wait: false });
    await expect(acquireBuildLock(dir, { wait: false })).rejects.toMatchObject({ code: 'E_LOCKED' });

    let told = 0;
    const second = acquireBuildLock(dir, { wait: true, pollMs: 5, onWait: () => told++ });
    await first.release();
    await (await second).release();
    expect(told).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = await tempDir();
    const pid = await deadPid();
    await writeFile(join(dir, BUILD_LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: 'then', token: 'old' }));
    const lock = await acquireBuildLock(dir, { wait: false });
    expect(lock.tookOverFromDeadBuild).toBe(true);
    await lock.release();
    const next = await acquireBuildLock(dir, { wait: false });
    expect(next.tookOverFromDeadBuild, 'a lock released normally is not a dead build’s').toBe(false);
    await next.release();
  });

  it('tidy release removes the state folder only if the lock created it and it is empty', async () => {
    const root = await tempDir();
    const state = join(root, '.kieaudio');
    const lock = await acquireBuildLock(state, { wait: false });
    await lock.release({ tidy: true });
    expect(await readdir(root)).toEqual([]);

    const again = await acquireBuildLock(state, { wait: false });
    await writeFile(join(state, 'stat-index.json'), '{}');
    await again.release({ tidy: true });
    expect(await readdir(state)).toEqual(['stat-index.json']);
  });
});
