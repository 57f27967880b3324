/** `kieaudio credits`'s numbers: the estimated cost of a full rebuild and of what is stale, over the real simulator. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCredits } from '../../src/cli/render-credits.js';
import { projectCost } from '../../src/commands/cost.js';
import { runBuild } from '../build/run-build.js';
import { simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { NPC, smallProject } from '../helpers/small-project.js';

describe('the project cost', () => {
  it('is the table price of everything before a build, and the lock prices after it: nothing stale', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const before = await projectCost({ cwd: dir, env: simEnv(sim) });
    expect(before.rebuild.items.map((i) => i.basis)).toEqual(['table', 'table', 'table']);
    expect(before.stale.total).toBe(before.rebuild.total);

    const built = await runBuild(dir, simEnv(sim));
    const requests = totalRequests(sim);
    const after = await projectCost({ cwd: dir, env: simEnv(sim) });
    expect(totalRequests(sim), 'no API call').toBe(requests);
    expect(after.stale).toMatchObject({ total: 0, items: [] });
    // each model priced from what it cost: a rebuild costs what the build did (each estimate rounded up to a cent)
    expect(after.rebuild.items.map((i) => i.basis)).toEqual(['lock', 'lock', 'lock']);
    expect(after.rebuild.total).toBeGreaterThanOrEqual(built.summary.creditsUsed);
    expect(after.rebuild.total).toBeLessThanOrEqual(built.summary.creditsUsed + 0.03);
  });

  it('counts only what a build would generate as stale, one task per spec', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    await runBuild(dir, simEnv(sim));
    const spec = join(dir, NPC);
    await writeFile(spec, (await readFile(spec, 'utf8')).replace('Mind the edge.', 'Mind the edge, friend.'));
    const cost = await projectCost({ cwd: dir, env: simEnv(sim) });
    expect(cost.stale.items.map((i) => i.out)).toEqual(['npc/bye.mp3']);
    expect(cost.stale.items[0]?.basis).toBe('lock');
    expect(cost.rebuild.items).toHaveLength(3);

    const text = renderCredits(1000, cost);
    expect(text.split('\n')[0]).toBe('1000 credits');
    expect(text).toContain(`full rebuild:   ~${cost.rebuild.total} credits (3 tasks)`);
    expect(text).toContain(`stale now:      ~${cost.stale.total} credit`);
    expect(renderCredits(0.5, cost)).toMatch(/less than what is stale is expected to cost/);
  });
});
