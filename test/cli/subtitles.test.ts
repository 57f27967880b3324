/**
 * Subtitles through the CLI: a line whose result came back without timing data still builds
 * (exit 0, a warning, one cue), `plan` and `status` say what happens to a missing or hand-edited
 * subtitle file, and `--frozen` counts a missing one as not up to date. The builds between what
 * plan and status print run in this process.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const FILES = {
  'kieaudio.config.yaml': `version: 1\ninclude: ["audio/*.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel, timestamps: true, subtitles: [srt, vtt] }\n`,
  'audio/lines.yaml': 'assets:\n  - { id: scout, kind: voice, text: "Fresh tracks. Not ours.", out: scout.mp3 }\n',
};

describe('subtitles on the command line', () => {
  it('no timing data: warns, exits 0, and still writes both subtitle files', async () => {
    const dir = await makeProject(FILES);
    const sim = await simulator({ timings: 'none' });
    const result = await kieaudio(dir, ['build'], simEnv(sim));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning in asset scout: scout.mp3: kie.ai returned no timing data with this result');
    expect(await readFile(join(dir, 'out/scout.srt'), 'utf8')).toContain('Fresh tracks. Not ours.');
    expect(await readFile(join(dir, 'out/scout.vtt'), 'utf8')).toMatch(/^WEBVTT/);
  });

  it('plan, status and --frozen see a missing and a hand-edited subtitle file; build restores the missing one for free', async () => {
    const dir = await makeProject(FILES);
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    await rm(join(dir, 'out/scout.srt'));

    const plan = await kieaudio(dir, ['plan'], simEnv(sim));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/sidecars +scout\.mp3 +scout\.srt missing; writing from the timing data kept locally \(no API call\)/);
    expect((await kieaudio(dir, ['status'], simEnv(sim))).stdout).toMatch(/missing +scout\.mp3 +scout\.srt missing/);
    expect((await build({ cwd: dir, env: simEnv(sim), frozen: true })).stale.map((i) => i.asset.out)).toEqual(['scout.mp3']);

    const requests = totalRequests(sim);
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    expect(totalRequests(sim)).toBe(requests);
    expect(await readFile(join(dir, 'out/scout.srt'), 'utf8')).toContain('Fresh tracks.');

    await writeFile(join(dir, 'out/scout.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nMine now\n');
    expect((await kieaudio(dir, ['status'], simEnv(sim))).stdout).toMatch(/modified by hand +scout\.mp3 +scout\.vtt edited by hand/);
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    expect(await readFile(join(dir, 'out/scout.vtt'), 'utf8')).toContain('Mine now');
  });
});
