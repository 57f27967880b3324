/** `status`: each asset's state, as `build` would see it, with no API calls and no writes. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, status } from '../src/index.js';
import { FAST_API, makeProject, simEnv, simulator, totalRequests } from './helpers/project.js';

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;
const SPEC = ['a', 'b', 'c', 'd'].map((id) => `  - { id: ${id}, kind: voice, text: "Line ${id}.", out: ${id}.mp3 }\n`).join('');

describe('status', () => {
  it('tells up to date, stale, missing and hand-edited assets apart', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${SPEC}` });
    const sim = await simulator();
    await build({ cwd: dir, env: simEnv(sim) });
    await writeFile(join(dir, 'audio/x.audio.yaml'), `assets:\n${SPEC.replace('Line b.', 'Line b, again.')}`);
    await rm(join(dir, 'out/c.mp3'));
    await writeFile(join(dir, 'out/d.mp3'), 'my own take');
    const requests = totalRequests(sim);
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');

    const result = await status({ cwd: dir, env: simEnv(sim) });
    expect(result.assets.map((a) => [a.out, a.status, a.reason])).toEqual([
      ['a.mp3', 'up to date', 'up to date'],
      ['b.mp3', 'stale', 'text changed'],
      ['c.mp3', 'missing', 'output missing, restoring from cache'],
      ['d.mp3', 'modified by hand', 'edited by hand; left alone (use --force to replace it)'],
    ]);
    expect(totalRequests(sim)).toBe(requests);
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lock);
  });

  it('shows --offline placeholders as such until a real build replaces them', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/x.audio.yaml': `assets:\n${SPEC}` });
    await build({ cwd: dir, env: {}, offline: true });
    expect((await status({ cwd: dir, env: {} })).assets.map((a) => a.status)).toEqual(Array(4).fill('placeholder'));
    expect((await status({ cwd: dir, env: {}, offline: true })).assets.map((a) => a.status)).toEqual(Array(4).fill('up to date'));
  });
});
