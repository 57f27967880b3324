/** Builds from string tables over the simulator: the same planning, lock and no-op as YAML assets. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { build } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/*.csv", "audio/*.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;
const TABLE = 'id,out,text,stability,notes\na,a.mp3,"First, line.",0.4,never sent\nb,b.mp3,Second line.,,\n';
const SFX = 'assets:\n  - { id: door, kind: effect, text: a door creaks, out: door.mp3 }\n';

describe('string tables over the simulator', () => {
  test('rows are generated like YAML assets; notes are not sent; a no-op build leaves the lock byte-identical', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.csv': TABLE, 'audio/sfx.audio.yaml': SFX });
    const sim = await simulator();
    const first = await build({ cwd: dir, env: simEnv(sim) });
    expect(first.summary.generated).toBe(3);
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    expect(lock).toContain('"First, line."');
    expect(lock).not.toContain('never sent');
    const second = await build({ cwd: dir, env: simEnv(sim) });
    expect(second.summary.generated).toBe(0);
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lock);
  });

  test('editing one row regenerates that row only', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.csv': TABLE });
    const sim = await simulator();
    await build({ cwd: dir, env: simEnv(sim) });
    const created = sim.stats().tasksCreated;
    await writeFile(join(dir, 'audio/lines.csv'), TABLE.replace('Second line.', '"Second line, changed."'));
    const again = await build({ cwd: dir, env: simEnv(sim) });
    expect(again.summary.generated).toBe(1);
    expect(sim.stats().tasksCreated).toBe(created + 1);
  });

  test('the CLI: a malformed row exits 2 at file:row:column and sends nothing', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.csv': `${TABLE}c,c.mp3\n` });
    const sim = await simulator();
    const result = await kieaudio(dir, ['build'], simEnv(sim));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('audio/lines.csv:4:1');
    expect(totalRequests(sim)).toBe(0);
  });
});
