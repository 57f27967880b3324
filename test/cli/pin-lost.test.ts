/**
 * A pinned take whose audio is gone — from the cache and from the API (another API, or past
 * kie.ai's retention) — is never replaced by a new paid take in silence: the asset is held, the pin
 * stays in the lock, and the user is told how to go on (pin another take, unpin, --regenerate).
 * The takes and the pin are made in this process; the CLI prints the plan and the held build.
 */

/** The small project built, then smith.greet regenerated `regenerations` times, all in this process. */
async function takesOf(dir: string, env: Record<string, string>, regenerations: number) {
  expect((await build({ cwd: dir, env })).failures).toEqual([]);
  for (let i = 0; i < regenerations; i++) {
    expect((await build({ cwd: dir, env, regenerate: true, only: ['smith.greet'] })).failures).toEqual([]);
  }
}

import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, pin } from '../../src/index.js';
import { takeKey } from '../../src/store/takes.js';
import { kieaudio } from '../helpers/cli.js';
import { simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { smallProject } from '../helpers/small-project.js';

async function lockEntry(dir: string) {
  const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as {
    assets: Record<string, { specHash: string; contentHash: string; pinned?: number }>;
  };
  const entry = lock.assets['npc/greet.mp3'];
  if (!entry) throw new Error('no lock entry for npc/greet.mp3');
  return entry;
}

/** Deletes every file the cache keeps under `key` (its audio, its record, whatever rides along). */
async function dropCacheEntry(dir: string, key: string) {
  const shard = join(dir, '.kieaudio/cache', key.slice(0, 2));
  for (const name of await readdir(shard)) if (name.startsWith(key)) await rm(join(shard, name));
}

describe('a pinned take that is gone', () => {
  it('holds the asset instead of paying for a new take, keeps the pin, and says how to go on', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    await takesOf(dir, simEnv(sim), 2);
    await pin({ cwd: dir, env: {}, id: 'smith.greet', take: 2 });
    const pinned = await lockEntry(dir);
    expect(pinned.pinned).toBe(2);
    await dropCacheEntry(dir, takeKey(pinned.specHash, 2));
    await rm(join(dir, 'out/npc/greet.mp3'));

    const other = await simulator();
    const plan = await kieaudio(dir, ['plan'], simEnv(other));
    expect(plan.stdout).toMatch(/^hold\s+npc\/greet\.mp3\s+.*pinned take 2.*kieaudio takes smith\.greet.*unpin.*--regenerate/m);
    expect(plan.stdout).not.toMatch(/^generate\s+npc\/greet\.mp3/m);

    const built = await kieaudio(dir, ['build'], simEnv(other));
    expect(built.code).toBe(1);
    expect(`${built.stdout}${built.stderr}`).toContain('pinned take 2');
    expect(other.stats().tasksCreated).toBe(0);
    expect(await lockEntry(dir)).toEqual(pinned);
  });

  it('is found by its audio under whichever take number this cache gave it', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    await takesOf(dir, simEnv(sim), 1);
    await pin({ cwd: dir, env: {}, id: 'smith.greet', take: 1 });
    // the lock came from another machine whose cache numbered this take 7
    const lockPath = join(dir, 'kieaudio.lock');
    await writeFile(lockPath, (await readFile(lockPath, 'utf8')).replace('"pinned": 1', '"pinned": 7'));
    await rm(join(dir, 'out/npc/greet.mp3'));
    const other = await simulator();
    const built = await build({ cwd: dir, env: simEnv(other) });
    expect(built.failures).toEqual([]);
    expect(built.summary.held).toBe(0);
    expect(other.stats().tasksCreated).toBe(0);
    expect((await lockEntry(dir)).pinned).toBe(7);
  });
});
