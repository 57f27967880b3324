/**
 * `build --frozen`, the CI check: on a project that is no longer up to date it lists every asset
 * that is not, and why, exits 3, and sends nothing (the simulator's own counters say so). It
 * needs no key, as pull requests from forks have none. The builds before the check run in this
 * process: the check is what goes through the CLI.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { NPC, SFX, smallProject } from '../helpers/small-project.js';

describe('build --frozen', () => {
  it('a stale scene file is listed with its reason and exits 3, with no request', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': `version: 1\ninclude: ["audio/*.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`,
      'audio/s.yaml':
        'scenes:\n  - id: s\n    out: s.wav\n    gap: 0.2\n    lines:\n      - { text: One, out: 1.mp3 }\n      - { text: Two, out: 2.mp3 }\n',
    });
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    await writeFile(join(dir, 'audio/s.yaml'), (await readFile(join(dir, 'audio/s.yaml'), 'utf8')).replace('gap: 0.2', 'gap: 0.3'));
    const requests = totalRequests(sim);
    const result = await kieaudio(dir, ['build', '--frozen'], { KIE_API_BASE_URL: sim.url });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^ {2}s\.wav {2}scene s: gap changed$/m);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('on a stale project: exit 3, every stale asset listed with its reason, zero requests, nothing written', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);

    await writeFile(join(dir, NPC), (await readFile(join(dir, NPC), 'utf8')).replace('a blade', 'an axe'));
    await rm(join(dir, 'out/npc/bye.mp3'));
    await writeFile(
      join(dir, SFX),
      `${await readFile(join(dir, SFX), 'utf8')}  - { id: gem, kind: effect, text: "Gem sparkle", out: sfx/gem.mp3 }\n`,
    );
    await writeFile(join(dir, 'out/sfx/coin.mp3'), 'edited by hand');
    const lock = await readFile(join(dir, 'kieaudio.lock'));
    const requests = totalRequests(sim);

    // as on a pull request: no key at all
    const result = await kieaudio(dir, ['build', '--frozen'], { KIE_API_BASE_URL: sim.url });
    expect(result.code).toBe(3);
    expect(totalRequests(sim)).toBe(requests);
    const listed = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim().replace(/ {2,}/g, ' | '));
    expect(listed).toEqual(['npc/greet.mp3 | text changed', 'npc/bye.mp3 | output missing, restoring from cache', 'sfx/gem.mp3 | new']);
    expect(result.stderr).toMatch(/^--frozen: 3 assets are not up to date:$/m);
    // a file edited by hand is reported, but only warns: it is not kieaudio's to overwrite
    expect(result.stderr).toMatch(/sfx\/coin\.mp3.*edited by hand/);
    expect(await readFile(join(dir, 'kieaudio.lock'))).toEqual(lock);
    expect(await readFile(join(dir, 'out/sfx/coin.mp3'), 'utf8')).toBe('edited by hand');
  });

  it('on an up-to-date project: exit 0, still without a key or a request', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    const requests = totalRequests(sim);
    const result = await kieaudio(dir, ['build', '--frozen'], { KIE_API_BASE_URL: sim.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/0 generated, 0 restored, 3 up to date, 0 failed/);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('placeholders from --offline are not up to date for CI', async () => {
    const dir = await smallProject();
    expect((await build({ cwd: dir, offline: true })).failures).toEqual([]);
    const result = await kieaudio(dir, ['build', '--frozen']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/npc\/greet\.mp3 +placeholder/);
  });

  it('CI=true: plain lines, no escape sequences, no spinner', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const result = await kieaudio(dir, ['build'], { ...simEnv(sim), CI: 'true', NO_COLOR: '' });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/[\r\u001b]/);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('generated'))).toHaveLength(3);
  });
});
