/** The CLI's side of delivery: `build --frozen` on a stale manifest, and `report --json`. */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../build/run-build.js';
import { jsonLines, kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
manifest: { json: out/manifest.json }
`;

describe('delivery on the command line', () => {
  it('build --frozen exits 3 naming a missing manifest; report --json names the page it wrote', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/a.audio.yaml': 'assets:\n  - { id: hi, kind: voice, text: "Hi.", out: hi.mp3 }\n',
    });
    const env = simEnv(await simulator());
    await runBuild(dir, env);
    const upToDate = await runBuild(dir, env, { frozen: true });
    expect([upToDate.stale, upToDate.staleManifests]).toEqual([[], []]);
    await rm(join(dir, 'out', 'manifest.json'));
    const frozen = await kieaudio(dir, ['build', '--frozen'], env);
    expect(frozen.code).toBe(3);
    expect(frozen.stderr).toContain('out/manifest.json  manifest missing or out of date');

    const report = await kieaudio(dir, ['report', '--json', '--out', 'page'], env);
    expect(report.code).toBe(0);
    expect(jsonLines(report.stdout)).toEqual([expect.objectContaining({ type: 'report', page: join('page', 'index.html'), rows: 1 })]);
    expect((await stat(join(dir, 'page', 'index.html'))).isFile()).toBe(true);
  });
});
