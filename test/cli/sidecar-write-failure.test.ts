/**
 * A sidecar that cannot be written (a full disk) or a build stopped between the audio's lock write
 * and the sidecars': the old subtitles beside the new audio stay known as kieaudio's, the next
 * build rewrites them for the new audio (free), and nothing reads as "not made by kieaudio" or as
 * edited by hand — neither the one that failed nor those written for the new audio before it. The
 * failing build goes through the CLI (the injected disk error is read from its environment); the
 * builds around it run in this process.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, build } from '../../src/index.js';
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
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
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
    const events: BuildEvent[] = [];
    const next = await build({ cwd: dir, env: simEnv(longer), onEvent: (e) => events.push(e) });
    expect(next.failures).toEqual([]);
    expect(JSON.stringify(events)).not.toMatch(/not made by kieaudio|edited by hand/);
    expect(longer.stats().tasksCreated).toBe(created);
    const after = await vtt();
    expect(after).toContain('--> 00:00:02.9');
    expect((await entryOf(dir)).sidecars?.['mine/01.vtt']).toBe(sha256Hex(after));
    // every sidecar is recorded as what is there: the .srt and .timings.json the failed build wrote
    // for the new audio before the .vtt failed are kieaudio's, not hand edits to keep from now on
    const files = ['mine/01.srt', 'mine/01.vtt', 'mine/01.timings.json'];
    const written = await Promise.all(files.map(async (f) => [f, sha256Hex(await readFile(join(dir, 'out', f), 'utf8'))]));
    expect((await entryOf(dir)).sidecars).toEqual(Object.fromEntries(written));
    const last = await build({ cwd: dir, env: simEnv(longer) });
    expect(last.summary).toMatchObject({ upToDate: 1, kept: 0 });
  });
});
