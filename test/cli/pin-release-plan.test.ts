/**
 * `plan` says when a change releases a pin: the asset's own spec, or a neighbour's line that its
 * spec depends on (a scene's previous line), as `--regenerate` already does. The takes and the
 * pin are made in this process; the plans are what the CLI prints.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, pin } from '../../src/index.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`;
const SCENE = `scenes:
  - id: mine.entrance
    lines:
      - { text: "The tracks go down.", out: mine/01.mp3 }
      - { text: "Fresh ones, too.", out: mine/02.mp3 }
      - { text: "Then we are not the first.", out: mine/03.mp3 }
`;

describe('plan, a pinned take and a change', () => {
  it("says that a neighbour's edit or the asset's own releases the pin", async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SCENE });
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    for (let i = 0; i < 2; i++) {
      expect((await build({ cwd: dir, env: simEnv(sim), regenerate: true, only: ['mine.entrance.3'] })).failures).toEqual([]);
    }
    await pin({ cwd: dir, env: {}, id: 'mine.entrance.3', take: 2 });
    const spec = join(dir, 'audio/mine.audio.yaml');

    await writeFile(spec, SCENE.replace('Fresh ones, too.', 'Fresh ones, and not ours.'));
    const neighbour = await kieaudio(dir, ['plan'], simEnv(sim));
    expect(neighbour.stdout).toMatch(/^generate\s+mine\/03\.mp3\s+previous line's text changed.*releases the pin on take 2/m);

    await writeFile(spec, SCENE.replace('Then we are not the first.', 'So we are not the first.'));
    const own = await kieaudio(dir, ['plan'], simEnv(sim));
    expect(own.stdout).toMatch(/^generate\s+mine\/03\.mp3\s+text changed.*releases the pin on take 2/m);
    expect(own.stdout).not.toMatch(/^generate\s+mine\/02\.mp3.*releases/m);
    expect(await readFile(spec, 'utf8')).toContain('So we are');
  });
});
