/**
 * The review page as builds keep it (`report: { out }`): written after a build that changed
 * outputs, untouched by a no-op build, and naming the assets the last build failed. The page's
 * data is read back from the JSON it embeds; the browser test checks what a person sees.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportPageData } from '../../src/delivery/report-page.js';
import { report } from '../../src/index.js';
import { runBuild } from '../build/run-build.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
report: { out: review }
`;

const SPEC = `assets:
  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.mp3 }
  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: sfx/coin.mp3 }
`;

async function pageData(dir: string): Promise<ReportPageData> {
  const html = await readFile(join(dir, 'review', 'index.html'), 'utf8');
  const match = /<script type="application\/json" id="kieaudio-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match?.[1] ?? 'null') as ReportPageData;
}

describe('the review page kept by builds', () => {
  it('is written after changes, left alone by a no-op build, and names what the last build failed', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const env = simEnv(await simulator());
    await runBuild(dir, env);
    const first = await pageData(dir);
    expect(first.rows.map((r) => [r.id, r.status, r.src])).toEqual([
      ['coin', 'up to date', '../out/sfx/coin.mp3'],
      ['hello', 'up to date', '../out/vo/hello.mp3'],
    ]);
    const coin = first.rows[0];
    expect(coin?.durationSeconds).toBeCloseTo(0.5, 1);
    expect(coin?.peaks.length).toBeGreaterThan(0);
    // the take plays from the page's own folder: a copy named by its content
    expect(coin?.takes.map((t) => [t.n, t.current, t.pinned])).toEqual([[1, true, false]]);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(coin?.takes[0]?.src).toBe(`takes/${lock.assets['sfx/coin.mp3'].contentHash}.mp3`);
    expect(await readFile(join(dir, 'review', coin?.takes[0]?.src ?? ''))).toEqual(await readFile(join(dir, 'out/sfx/coin.mp3')));

    const mtime = (await stat(join(dir, 'review', 'index.html'))).mtimeMs;
    await runBuild(dir, env);
    expect((await stat(join(dir, 'review', 'index.html'))).mtimeMs).toBe(mtime);

    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC.replace('Hello there.', 'Hello again.'));
    const failing = simEnv(await simulator({ faults: { taskFail: 1 } }));
    const result = await runBuild(dir, failing);
    expect(result.failures.map((f) => f.asset)).toEqual(['hello']);
    const after = await pageData(dir);
    expect(after.rows.map((r) => [r.id, r.status])).toEqual([
      ['coin', 'up to date'],
      ['hello', 'failed last build'],
    ]);
    expect(after.rows[1]?.text).toBe('Hello again.');
  });

  it('shows a file edited by hand that no longer decodes as modified, without length or waveform', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
    const env = simEnv(await simulator());
    await runBuild(dir, env);
    await writeFile(join(dir, 'out/vo/hello.mp3'), 'not audio at all');
    await report({ cwd: dir, env });
    const hello = (await pageData(dir)).rows.find((r) => r.id === 'hello');
    expect(hello).toMatchObject({ status: 'modified by hand', src: '../out/vo/hello.mp3', durationSeconds: null, peaks: [] });
  });
});
