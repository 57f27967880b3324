/**
 * Timing data in a shape kieaudio does not recognise is still paid data, and kie.ai keeps results
 * only 14 days: the whole resultJson (but its expiring download links) is kept as `raw`, in the
 * cache and in the `.timings.json`, so a later kieaudio can derive subtitles from it without paying.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`;
const SPEC = 'assets:\n  - { id: scout, kind: voice, text: "The tracks go down.", out: scout.mp3, timestamps: true, subtitles: [srt] }\n';

interface Doc {
  words: unknown[];
  raw: { speechMarks?: Array<{ value: string }>; resultUrls?: unknown } | null;
}

describe('timing data in a shape kieaudio does not know', () => {
  it('is kept whole as raw, in the .timings.json and in the cache', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const sim = await simulator({ timings: 'unknown' });
    const built = await kieaudio(dir, ['build'], simEnv(sim));
    expect(built.code).toBe(0);
    expect(`${built.stdout}${built.stderr}`).toContain('no timing data');
    const read = async () => JSON.parse(await readFile(join(dir, 'out/scout.timings.json'), 'utf8')) as Doc;
    const doc = await read();
    expect(doc.words).toEqual([]);
    expect(doc.raw?.speechMarks?.map((m) => m.value)).toEqual(['The', 'tracks', 'go', 'down.']);
    expect(doc.raw).not.toHaveProperty('resultUrls');

    // from the cache, not from beside the output
    await rm(join(dir, 'out/scout.timings.json'));
    await rm(join(dir, 'out/scout.mp3'));
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    expect(sim.stats().tasksCreated).toBe(1);
    expect(await read()).toEqual(doc);
  });

  it('leaves raw null when the result holds nothing but its audio', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const sim = await simulator({ timings: 'none' });
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    const doc = JSON.parse(await readFile(join(dir, 'out/scout.timings.json'), 'utf8')) as Doc;
    expect(doc.raw).toBeNull();
  });
});
