import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_SAMPLES } from '../../src/kie/latency-model.js';
import { LATENCY_HISTORY_FILE } from '../../src/store/latency-history.js';
import { makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const ASSETS = 10;
const MODEL = 'elevenlabs/text-to-speech-turbo-2-5';

/** A cadence scaled down 100× (first poll after 20 ms, then 20–30 ms apart) against 200–300 ms tasks. */
function config(adaptive?: boolean): string {
  return [
    'version: 1',
    'include: ["audio/*.audio.yaml"]',
    'outDir: out',
    'api:',
    '  rateLimit: { requests: 1000, intervalSeconds: 1 }',
    '  pollRateLimit: { requests: 1000, intervalSeconds: 1 }',
    `  poll: { initialSeconds: 0.02, maxSeconds: 1, timeoutSeconds: 30${adaptive === undefined ? '' : `, adaptive: ${adaptive}`} }`,
    'defaults:',
    '  voice: { voice: Rachel }',
    '',
  ].join('\n');
}

function lines(take: string): string {
  const assets = Array.from({ length: ASSETS }, (_, i) => `  - { id: l${i}, kind: voice, text: "Line ${i}, ${take}.", out: l${i}.mp3 }`);
  return `assets:\n${assets.join('\n')}\n`;
}

describe('adaptive polling', () => {
  it("learns the model's task durations from the server's clock, and polls near the finish in the next build", async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config(), 'audio/lines.audio.yaml': lines('take one') });
    const sim = await simulator({ latencyMs: { min: 200, max: 300 } });

    const first = await runBuild(dir, simEnv(sim));
    expect(first.summary.generated).toBe(ASSETS);
    const firstPolls = sim.stats().polls;

    // what was kept: each task's completeTime − createTime as the simulator reported it
    const history = JSON.parse(await readFile(join(dir, '.kieaudio', LATENCY_HISTORY_FILE), 'utf8'));
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const served = Object.values(lock.assets as Record<string, { taskId: string }>)
      .map((entry) => {
        const task = sim.task(entry.taskId);
        return task ? task.completesAt - task.createdAt : -1;
      })
      .sort((a, b) => a - b);
    expect([...history.models[MODEL]].sort((a: number, b: number) => a - b)).toEqual(served);

    await writeFile(join(dir, 'audio/lines.audio.yaml'), lines('take two'));
    const second = await runBuild(dir, simEnv(sim));
    expect(second.summary.generated).toBe(ASSETS);
    const secondPolls = sim.stats().polls - firstPolls;
    // polled first near its finish (not at once, as a new task cannot be done yet), a 200–300 ms
    // task takes one or two polls (the cadence: see below)
    expect(secondPolls / ASSETS).toBeLessThanOrEqual(2);
    expect(sim.stats().tasksCreated).toBe(2 * ASSETS);
  });

  it('keeps the documented cadence and learns nothing with adaptive: false', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config(false), 'audio/lines.audio.yaml': lines('take one') });
    const sim = await simulator({ latencyMs: { min: 200, max: 300 } });
    await runBuild(dir, simEnv(sim));
    await expect(readFile(join(dir, '.kieaudio', LATENCY_HISTORY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    // 20–30 ms apart, a 200–300 ms task is polled about ten times (fewer when the machine is busy)
    expect(sim.stats().polls / ASSETS).toBeGreaterThanOrEqual(4);
  });

  it('treats a damaged history as nothing known', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': config(),
      'audio/lines.audio.yaml': lines('take one'),
      [`.kieaudio/${LATENCY_HISTORY_FILE}`]: '{"v":1,"models":{"x":[',
    });
    const sim = await simulator({ latencyMs: { min: 200, max: 300 } });
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures).toEqual([]);
    const history = JSON.parse(await readFile(join(dir, '.kieaudio', LATENCY_HISTORY_FILE), 'utf8'));
    expect(history.models[MODEL].length).toBeGreaterThanOrEqual(MIN_SAMPLES);
  });
});
