/** Budgets over the real simulator: refused before any request, stopped mid-build, finished by a rerun. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBudget } from '../../src/build/budget.js';
import { createSubmissionGate } from '../../src/build/submission-gate.js';
import { buildExitCode } from '../../src/cli/commands-build.js';
import { plan } from '../../src/commands/plan.js';
import { KieaudioError } from '../../src/errors.js';
import type { BuildEvent } from '../../src/events.js';
import { JOURNAL_DIR } from '../../src/store/journal.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const config = (extra = '') =>
  `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n${extra}`;

/** `n` voice lines of exactly `length` characters each, all different. */
function lines(prefix: string, n: number, length: number): string {
  const assets = Array.from({ length: n }, (_, i) => {
    const text = `${prefix} ${i} `.padEnd(length, 'a');
    return `  - { id: ${prefix}.${i}, kind: voice, text: "${text}", out: ${prefix}/${i}.mp3 }`;
  });
  return `assets:\n${assets.join('\n')}\n`;
}

async function journalEntries(dir: string): Promise<string[]> {
  return readdir(join(dir, '.kieaudio', JOURNAL_DIR), { recursive: true }).catch(() => []);
}

describe('a build over its budget', () => {
  it('is refused before any request: the error names the estimate, the budget and the largest items', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config(), 'audio/a.audio.yaml': lines('line', 50, 40) });
    const sim = await simulator();
    const refused = runBuild(dir, simEnv(sim), { maxCredits: 10 });
    await expect(refused).rejects.toThrow(KieaudioError);
    const error = (await refused.catch((e: unknown) => e)) as KieaudioError;
    expect(error.code).toBe('E_BUDGET');
    expect(error.message).toMatch(/would generate 50 assets, estimated at [\d.]+ credits: over the budget of 10 credits/);
    expect(error.details).toMatchObject({ maxCredits: 10, largest: expect.any(Array) });
    expect((error.details.largest as unknown[]).length).toBe(5);
    expect(totalRequests(sim)).toBe(0);
    // nothing written: no lock, no outputs, no journal
    expect(await readdir(dir)).not.toContain('kieaudio.lock');
    expect(await readdir(dir)).not.toContain('out');
  });

  it('takes budget.maxCredits from the config, and --max-credits over it', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': config('budget: { maxCredits: 1 }\n'),
      'audio/a.audio.yaml': lines('line', 2, 20),
    });
    const sim = await simulator();
    expect((await plan({ cwd: dir, env: simEnv(sim) })).maxCredits).toBe(1);
    expect((await plan({ cwd: dir, env: simEnv(sim), maxCredits: 500 })).maxCredits).toBe(500);
    await expect(runBuild(dir, simEnv(sim))).rejects.toMatchObject({ code: 'E_BUDGET' });
    expect(totalRequests(sim)).toBe(0);
    const built = await runBuild(dir, simEnv(sim), { maxCredits: 500 });
    expect(built.summary.generated).toBe(2);
    expect(built.events).toContainEqual(expect.objectContaining({ type: 'budget', maxCredits: 500, over: false }));
  });
});

describe('a budget that runs out mid-build', () => {
  it('stops submitting before spent plus in flight would pass it, reports the rest, and a rerun finishes them', async () => {
    // The simulator charges 1 credit per started 100 characters: 100-character lines teach the lock
    // 0.01 credits a character, and 101-character ones then cost 2 each against an estimate of 1.01.
    const dir = await makeProject({ 'kieaudio.config.yaml': config(), 'audio/a.audio.yaml': lines('seed', 3, 100) });
    const sim = await simulator();
    const seed = await runBuild(dir, simEnv(sim));
    expect(seed.summary.creditsUsed).toBe(3);
    const seeded = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(Object.values(seeded.assets).map((e) => (e as { credits?: number }).credits)).toEqual([1, 1, 1]);

    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'audio/b.audio.yaml'), lines('more', 10, 101));
    const estimated = await plan({ cwd: dir, env: simEnv(sim), maxCredits: 15 });
    expect(estimated.estimate?.total).toBe(10.1);
    expect(estimated.estimate?.items.every((i) => i.basis === 'lock' && i.credits === 1.01)).toBe(true);

    const created = sim.stats().tasksCreated;
    const stopped = await runBuild(dir, simEnv(sim), { maxCredits: 15, concurrency: 1 });
    // 2 credits a task: after 7 (14 spent), the next estimate (1.01) would pass 15
    expect(sim.stats().tasksCreated - created).toBe(7);
    expect(stopped.summary).toMatchObject({ generated: 7, notStarted: 3, failed: 0, creditsUsed: 14 });
    const notStarted = stopped.events.filter((e) => e.type === 'failed' && e.notStarted);
    expect(notStarted).toHaveLength(3);
    expect(notStarted.every((e) => e.type === 'failed' && e.code === 'E_BUDGET' && /not started: budget/.test(e.message))).toBe(true);
    expect(stopped.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'W_BUDGET',
        message: expect.stringMatching(/3 assets were not submitted \(not started: budget\)/),
      }),
    );
    expect(buildExitCode(stopped), 'exit 4: the budget stopped it').toBe(4);
    // no half-state: nothing journalled for what was not sent, and the lock holds exactly what was made
    expect(await journalEntries(dir)).toEqual([]);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(Object.keys(lock.assets)).toHaveLength(10);

    const rerun = await runBuild(dir, simEnv(sim), { maxCredits: 100 });
    expect(rerun.summary).toMatchObject({ generated: 3, upToDate: 10, notStarted: 0, failed: 0 });
    expect(sim.stats().tasksCreated - created).toBe(10);
    expect(buildExitCode(rerun)).toBe(0);
    // what the rerun learnt: 101-character lines are priced at what they cost
    const after = await plan({ cwd: dir, env: simEnv(sim), regenerate: true, only: ['more.0'] });
    expect(after.estimate?.items[0]?.credits).toBeGreaterThan(1.5);
  });
});

describe('the budget while a build runs (plain values)', () => {
  function setUp(maxCredits: number, estimates: Record<string, number>) {
    const events: BuildEvent[] = [];
    const gate = createSubmissionGate((e) => events.push(e));
    return { events, gate, budget: createBudget(maxCredits, new Map(Object.entries(estimates)), gate) };
  }

  it('counts the estimates of tasks in flight, so parallel workers cannot pass it together', () => {
    const { budget, gate, events } = setUp(10, { a: 4, b: 4, c: 4 });
    expect(budget.reserve('a')).toBe(true);
    expect(budget.reserve('b')).toBe(true);
    expect(budget.reserve('c'), '4 + 4 in flight, 4 more would be 12').toBe(false);
    expect(gate.whyClosed()?.code).toBe('E_BUDGET');
    expect(events).toEqual([
      expect.objectContaining({
        code: 'W_BUDGET',
        message: expect.stringContaining(
          '0 credits spent and 8 credits estimated for tasks in flight, and the next task is estimated at 4 credits',
        ),
      }),
    ]);
  });

  it('replaces an estimate by what the task cost; keeps it when the cost is unknown; gives it back when nothing was created', () => {
    const { budget, gate } = setUp(10, { a: 4, b: 4, c: 4, d: 4 });
    budget.reserve('a');
    budget.settle('a', 1); // cheaper than estimated: 1 spent
    budget.reserve('b');
    budget.release('b'); // the API refused the create: nothing spent
    budget.reserve('c');
    budget.settle('c', undefined); // no answer: its estimate counts as spent (5)
    expect(budget.reserve('d'), '5 spent + 4 = 9').toBe(true);
    budget.settle('d', 5); // dearer than estimated: 10 spent
    expect(budget.reserve('b')).toBe(false);
    expect(gate.closed()).toBe(true);
  });

  it('lets a task estimated at exactly what is left through, and settling an unreserved task changes nothing', () => {
    const { budget, gate } = setUp(8, { a: 4, b: 4 });
    budget.settle('resumed', 100); // a task of an earlier build: not this build's spending
    expect(budget.reserve('a')).toBe(true);
    expect(budget.reserve('b')).toBe(true);
    expect(gate.closed()).toBe(false);
  });
});
