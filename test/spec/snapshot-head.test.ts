/** Review: a project snapshot's head whose file's folder became a file (ENOTDIR). */
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { plan } from '../../src/commands/plan.js';
import { SNAPSHOT_FILE } from '../../src/spec/project-snapshot.js';
import { makeProject } from '../helpers/project.js';

const CONFIG = 'version: 1\ninclude: ["audio/**/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
const SPEC = 'assets:\n  - { id: a, kind: voice, text: "Alpha one.", out: a.mp3 }\n';

describe('the project snapshot head', () => {
  it('is not recalled, and the project loads afresh, when a spec file’s folder is now a file', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/npc/lines.audio.yaml': SPEC,
      'audio/more.audio.yaml': SPEC.replace(/a\b/g, 'b'),
    });
    await build({ cwd: dir, env: {}, offline: true });
    await stat(join(dir, '.kieaudio', SNAPSHOT_FILE));
    await rm(join(dir, 'audio/npc'), { recursive: true });
    await writeFile(join(dir, 'audio/npc'), 'a file where the folder was');
    // a fresh load finds the one spec file left; recalling must not throw the stat's ENOTDIR
    const result = await plan({ cwd: dir, env: {}, offline: true });
    expect(result.plan.items.map((i) => i.asset.id)).toEqual(['b']);
  });
});
