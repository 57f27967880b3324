/**
 * A sidecar that cannot be written (a full disk) or a build stopped between the audio's lock write
 * and the sidecars': the old subtitles beside the new audio stay known as kieaudio's, the next
 * build rewrites them for the new audio (free), and nothing reads as "not made by kieaudio".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/store/sha256.js';
import { kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`;
const SPEC = `scenes:
  - id: mine.entrance
    timestamps: true
    subtitles: [srt, vtt]
    lines:
      - { text: "The tracks go down.", out: mine/01.mp3 }
`;

interface Entry {
  contentHash: string;
  sidecars?: Record<string, string>;
}

async function entryOf(dir: string): Promise<Entry> {
  const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as { assets: Record<string, Entry> };
  const entry = lock.assets['mine/01.mp3'];
  if (!entry) throw new Error('no lock entry for mine/01.mp3');
  return entry;
}

describe('a sidecar write that fails after the audio is installed', () => {
  it('is rewritten for the new audio by the next build, never reported as not made by kieaudio', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/mine.audio.yaml': SPEC });
    const sim = await simulator({ resultSeconds: 2 });
    expect((await kieaudio(dir, ['build', '-q'], simEnv(sim))).code).toBe(0);
    const vtt = () => readFile(join(dir, 'out/mine/01.vtt'), 'utf8');
    const before = await vtt();
    expect(before).toContain('--> 00:00:01.9');

    const longer = await simulator({ resultSeconds: 3 });
    const env = simEnv(longer, { KIEAUDIO_TEST_FS_ERROR: 'ENOSPC:01.vtt' });
    const failed = await kieaudio(dir, ['build', '--json', '--regenerate', '--only', 'mine.entrance.1'], env);
    expect(failed.code).toBe(1);
    const summary = failed.stdout
      .split('\n')
      .filter((l) => l.includes('"type":"summary"'))
      .map((l) => JSON.parse(l) as { generated: number; failed: number; creditsUsed: number })[0];
    // one asset, one outcome: it failed (its credits are still counted)
    expect(summary).toMatchObject({ generated: 0, failed: 1 });
    expect(summary?.creditsUsed).toBeGreaterThan(0);
    expect(await vtt()).toBe(before);
    // the lock still knows the old .vtt as kieaudio's, and claims no file that is not there
    expect((await entryOf(dir)).sidecars?.['mine/01.vtt']).toBe(sha256Hex(before));

    const status = await kieaudio(dir, ['status'], simEnv(longer));
    expect(status.stdout).not.toMatch(/modified by hand|not made by kieaudio/);
    const plan = await kieaudio(dir, ['plan'], simEnv(longer));
    expect(plan.stdout).toMatch(/^sidecars\s+mine\/01\.mp3\s/m);

    const created = longer.stats().tasksCreated;
    const next = await kieaudio(dir, ['build'], simEnv(longer));
    expect(next.code).toBe(0);
    expect(`${next.stdout}${next.stderr}`).not.toContain('not made by kieaudio');
    expect(longer.stats().tasksCreated).toBe(created);
    const after = await vtt();
    expect(after).toContain('--> 00:00:02.9');
    expect((await entryOf(dir)).sidecars?.['mine/01.vtt']).toBe(sha256Hex(after));
    expect((await kieaudio(dir, ['build', '-q'], simEnv(longer))).code).toBe(0);
  });
});
