/**
 * Bad dialogue input through the built binary: every problem at once with file:line:col, exit 2,
 * nothing sent and nothing written.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/*.yaml"]
${FAST_API}defaults:
  voice: { voice: Rachel }
cast:
  captain: { voice: Charlotte }
lexicon:
  "Old Xyloth": OLD ZY-loth
`;

const SPEC = `scenes:
  - id: mine
    lines:
      - { speaker: captian, text: "Down.", out: a.mp3 }
      - { kind: effect, text: "Boom", out: b.mp3 }
  - id: mine
    lines:
      - { text: "Up.", out: c.mp3 }
`;

describe('bad dialogue input', () => {
  it('exit 2 listing each problem at its file:line:col, nothing sent, nothing written', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.yaml': SPEC });
    const sim = await simulator();
    const result = await kieaudio(dir, ['build'], simEnv(sim));
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n');
    const at = (prefix: string) => lines.find((line) => line.includes(prefix)) ?? '';
    expect(at('audio/mine.yaml:4:')).toContain('did you mean "captain"?');
    expect(at('audio/mine.yaml:5:')).toContain('a scene line is a voice line');
    expect(at('audio/mine.yaml:6:')).toContain('already the id of the scene at audio/mine.yaml:2');
    expect(at('kieaudio.config.yaml:13:3:')).toContain('expected a single word');
    expect(totalRequests(sim)).toBe(0);
    expect(await readdir(dir)).toEqual(['audio', 'kieaudio.config.yaml']);
  });
});
