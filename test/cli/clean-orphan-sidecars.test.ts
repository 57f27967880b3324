/**
 * `clean` and an orphan whose audio was edited by hand: the audio is kept, and so are its
 * sidecars, which the lock still lists; they go only with the audio.
 */
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`;
const LINE = '  - { id: scout, kind: voice, text: "The tracks go down.", out: scout.mp3, timestamps: true, subtitles: [srt] }\n';
const OTHER = '  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: coin.mp3 }\n';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function sidecarsInLock(dir: string): Promise<Record<string, string> | undefined> {
  const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as {
    assets: Record<string, { sidecars?: Record<string, string> }>;
  };
  return lock.assets['scout.mp3']?.sidecars;
}

describe('clean, an orphan whose audio was edited by hand', () => {
  it('keeps its sidecars with it, still listed in the lock; they go once the audio does', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': `assets:\n${LINE}${OTHER}` });
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    const recorded = await sidecarsInLock(dir);
    expect(Object.keys(recorded ?? {}).sort()).toEqual(['scout.srt', 'scout.timings.json']);

    await writeFile(join(dir, 'audio/main.audio.yaml'), `assets:\n${OTHER}`);
    await appendFile(join(dir, 'out/scout.mp3'), 'edited');
    const cleaned = await kieaudio(dir, ['clean'], simEnv(sim));
    expect(cleaned.code).toBe(0);
    expect(await exists(join(dir, 'out/scout.srt'))).toBe(true);
    expect(await exists(join(dir, 'out/scout.timings.json'))).toBe(true);
    expect(await sidecarsInLock(dir)).toEqual(recorded);

    await rm(join(dir, 'out/scout.mp3'));
    expect((await kieaudio(dir, ['clean'], simEnv(sim))).code).toBe(0);
    expect(await exists(join(dir, 'out/scout.srt'))).toBe(false);
    expect(await exists(join(dir, 'out/scout.timings.json'))).toBe(false);
    expect(await sidecarsInLock(dir)).toBeUndefined();
  });
});
