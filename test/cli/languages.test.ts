/**
 * Languages through the built binary: bad localization input is exit 2 with every problem at its
 * file:line:col and nothing sent; `--only` takes expanded ids and globs on them.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, build } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/*.yaml"]
${FAST_API}languages: [en, de]
defaults:
  voice: { voice: Rachel }
`;

describe('languages on the command line', () => {
  it('bad input: exit 2 with each position, nothing sent, nothing written', async () => {
    const spec = `assets:
  - { id: a, kind: voice, text: { en: Hi, it: Ciao }, out: "{lang}/a.mp3" }
  - { id: b, kind: voice, text: { en: Hi, de: Hallo }, out: b.mp3 }
`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': spec });
    const sim = await simulator();
    const result = await kieaudio(dir, ['build'], simEnv(sim));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "audio/a.yaml:2:47: error in asset a: text.it: expected one of the config's languages (en, de), found it (Italian)",
    );
    expect(result.stderr).toContain('audio/a.yaml:3:61: error in asset b: out: expected {lang} in out');
    expect(totalRequests(sim)).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['audio', 'kieaudio.config.yaml']);
  });

  it("a scene out without {lang} whose lines have two languages: exit 2 at the scene's out, nothing sent", async () => {
    const spec = `scenes:
  - id: mine
    out: mine/scene.ogg
    lines:
      - { text: { en: Down, de: Runter }, out: "{lang}/mine/01.mp3" }
`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': spec });
    const sim = await simulator();
    const result = await kieaudio(dir, ['build'], simEnv(sim));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "audio/a.yaml:3:10: error: scenes.0.out: out: expected {lang} in out: the scene's lines have 2 languages (en, de), each needs its own scene file",
    );
    expect(totalRequests(sim)).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['audio', 'kieaudio.config.yaml']);
  });

  // the selection as the library takes it (--only is passed through as is: test/cli/cli.test.ts)
  it("--only '*@de' builds the German outputs only", async () => {
    const spec = `assets:
  - { id: a, kind: voice, text: { en: Hi, de: Hallo }, out: "{lang}/a.mp3" }
  - { id: b, kind: voice, text: { en: Bye, de: Tschüss }, out: "{lang}/b.mp3" }
`;
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': spec });
    const sim = await simulator();
    const events: BuildEvent[] = [];
    const result = await build({ cwd: dir, env: simEnv(sim), only: ['*@de'], onEvent: (e) => events.push(e) });
    expect(result.failures).toEqual([]);
    const generated = events.flatMap((event) => (event.type === 'generated' ? [event.asset] : [])).sort();
    expect(generated).toEqual(['a@de', 'b@de']);
    expect(sim.stats().created.map((t) => t.input.language_code)).toEqual(['de', 'de']);
  });
});
