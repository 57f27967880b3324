/**
 * Issue #16, "unanswered creates are remembered, not forgotten": a create request that got no
 * answer may have been charged. It is recorded, `plan`, `status` and `--json` show the asset as
 * maybe charged, and builds hold it — no request is sent for it — until the user says otherwise
 * (`--resend-unanswered`, or `--regenerate` on an `--only` selection), or until the asset is
 * built another way (here: its result turns up in the cache).
 */
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/commands/plan.js';
import { status } from '../../src/commands/status.js';
import { specHash } from '../../src/spec/hash.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { sha256Hex } from '../../src/store/sha256.js';
import { jsonLines, kieaudio } from '../helpers/cli.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
defaults: { voice: { voice: Rachel } }
${FAST_API}`;
const SPEC = `assets:
  - { id: a, kind: voice, text: "The first line.", out: a.mp3 }
  - { id: b, kind: voice, text: "The second line.", out: b.mp3 }
`;

describe('a create request that got no answer', () => {
  it('is held by later builds, shown by plan and status, and sent again only on the user’s word', async () => {
    const sim = await simulator({ faults: { lostCreateResponse: 1 } });
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.audio.yaml': SPEC });
    const env = simEnv(sim);

    // 1. both requests are sent, both answers lost (the tasks exist and are charged)
    const first = await runBuild(dir, env);
    expect(first.failures.map((f) => [f.out, f.maybeCharged]).sort()).toEqual([
      ['a.mp3', true],
      ['b.mp3', true],
    ]);
    expect(sim.stats().tasksCreated).toBe(2);
    sim.setFaults({ lostCreateResponse: 0 });

    // 2. plan and status say so, with the time the request was sent
    const planned = await plan({ cwd: dir, env });
    for (const item of planned.plan.items) {
      expect(item.action.type).toBe('hold');
      expect(item.reason).toMatch(/^maybe charged \(no answer at \d{4}-\d\d-\d\dT[\d:.]+Z\); not sent again without --resend-unanswered$/);
    }
    expect((await status({ cwd: dir, env })).assets.map((a) => a.status)).toEqual(['maybe charged', 'maybe charged']);
    // (`plan --json` prints each item's action as it is: test/cli/json.test.ts)

    // 3. a build sends nothing for them, exits 1 and says how to proceed
    const creates = sim.stats().createRequests;
    const cli = await kieaudio(dir, ['build'], env);
    expect(cli.code).toBe(1);
    expect(sim.stats().createRequests).toBe(creates);
    expect(cli.stderr).toMatch(/^held {6}a\.mp3 {2}maybe charged \(no answer at /m);
    expect(cli.stdout).toMatch(/2 held/);
    expect(cli.stdout).toMatch(/kieaudio build --resend-unanswered sends them again/);

    // 4. --regenerate on an --only selection is the user's word for that asset
    const one = await runBuild(dir, env, { only: ['a'], regenerate: true });
    expect(one.summary).toMatchObject({ generated: 1, held: 0 });
    expect(sim.stats().createRequests).toBe(creates + 1);

    // 5. built another way: b's result turns up in the cache (as from a teammate's build)
    const bHash = specHash('elevenlabs/text-to-speech-turbo-2-5', { text: 'The second line.', voice: 'Rachel' });
    const cache = createContentCache(join(dir, '.kieaudio', 'cache'));
    await copyFile(join(dir, 'out', 'a.mp3'), cache.dataPath(bHash));
    const bytes = await readFile(cache.dataPath(bHash));
    await cache.commit(bHash, { contentHash: sha256Hex(bytes), size: bytes.length, model: 'elevenlabs/text-to-speech-turbo-2-5' });
    expect((await plan({ cwd: dir, env })).plan.items.find((i) => i.asset.id === 'b')?.action.type).toBe('restore');
    const restored = await runBuild(dir, env);
    expect(restored.summary).toMatchObject({ restored: 1, held: 0, upToDate: 1 });
    expect(await readdir(join(dir, '.kieaudio', 'journal'))).toEqual([]);
    expect(sim.stats().createRequests).toBe(creates + 1);
  });

  it('--resend-unanswered sends them; the journal is empty after', async () => {
    const sim = await simulator({ faults: { lostCreateResponse: 1 } });
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.audio.yaml': SPEC });
    const env = simEnv(sim);
    await runBuild(dir, env);
    sim.setFaults({ lostCreateResponse: 0 });
    const planned = await plan({ cwd: dir, env, resendUnanswered: true });
    expect(planned.plan.items.map((i) => [i.action.type, i.reason])).toEqual([
      ['generate', expect.stringMatching(/^new, sending again \(no answer at .+\)$/)],
      ['generate', expect.stringMatching(/^new, sending again \(no answer at .+\)$/)],
    ]);
    const resent = await runBuild(dir, env, { resendUnanswered: true });
    expect(resent.failures).toEqual([]);
    expect(resent.summary).toMatchObject({ generated: 2, held: 0 });
    expect(await readdir(join(dir, '.kieaudio', 'journal'))).toEqual([]);
    // the lost answers' tasks were charged too: that is what "maybe charged" warned of
    expect(sim.stats().tasksCreated).toBe(4);
  });

  it('a resend that the API refuses with an answer keeps the request on record: it may still have been charged', async () => {
    const sim = await simulator({ faults: { lostCreateResponse: 1 } });
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.audio.yaml': SPEC });
    const env = simEnv(sim);
    await runBuild(dir, env);
    // the API now answers every request with an error: certainly no new task, but the old ones stand
    sim.setFaults({ lostCreateResponse: 0, http500: 1 });
    const resent = await runBuild(dir, env, { resendUnanswered: true });
    expect(resent.failures.map((f) => f.maybeCharged)).toEqual([false, false]);
    sim.setFaults({ http500: 0 });
    expect((await plan({ cwd: dir, env })).plan.items.map((i) => i.action.type)).toEqual(['hold', 'hold']);
  });

  it('an asset still waiting for a rate-limit slot when the build dies is not taken for one that may have been charged', async () => {
    const sim = await simulator();
    const slow = CONFIG.replace('rateLimit: { requests: 1000, intervalSeconds: 1 }', 'rateLimit: { requests: 1, intervalSeconds: 60 }');
    const dir = await makeProject({ 'kieaudio.config.yaml': slow, 'audio/a.audio.yaml': SPEC });
    const env = simEnv(sim);
    const controller = new AbortController();
    // the first asset is submitted; the second waits a minute for its slot: stop the build then
    await runBuild(dir, env, { signal: controller.signal, onEvent: (e) => e.type === 'submitted' && controller.abort() }).catch(
      () => undefined,
    );
    expect(sim.stats().createRequests).toBe(1);
    const entries = await readdir(join(dir, '.kieaudio', 'journal'));
    expect(entries, 'only the request that was sent is journalled').toHaveLength(1);
  });

  it('a request for a spec no longer declared is listed by status, and forgotten by clean', async () => {
    const sim = await simulator({ faults: { lostCreateResponse: 1 } });
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.audio.yaml': SPEC });
    const env = simEnv(sim);
    await runBuild(dir, env);
    sim.setFaults({ lostCreateResponse: 0 });
    // the writer changes b's line: its old spec is no asset's any more, but its request may have been charged
    await writeFile(join(dir, 'audio', 'a.audio.yaml'), SPEC.replace('The second line.', 'A better second line.'));
    const before = await status({ cwd: dir, env });
    expect(before.assets.map((a) => a.status)).toEqual(['maybe charged', 'stale']);
    expect(before.unansweredElsewhere.map((u) => u.out)).toEqual(['b.mp3']);
    const text = await kieaudio(dir, ['status'], env);
    expect(text.stdout).toMatch(
      /^maybe charged +b\.mp3 +no longer declared: a create request sent at .+ got no answer and may have been charged \(kieaudio clean forgets it\)$/m,
    );

    const dry = await kieaudio(dir, ['clean', '--dry-run', '--json'], env);
    expect(jsonLines(dry.stdout).find((l) => l.type === 'clean')).toMatchObject({ unansweredForgotten: 1, dryRun: true });
    expect((await status({ cwd: dir, env })).unansweredElsewhere).toHaveLength(1);
    const cleaned = await kieaudio(dir, ['clean'], env);
    expect(cleaned.stdout).toMatch(/forgot 1 unanswered create request for specs no longer declared/);
    expect((await status({ cwd: dir, env })).unansweredElsewhere).toEqual([]);
    // a's request is still on record: its spec is still declared
    expect((await status({ cwd: dir, env })).assets[0]?.status).toBe('maybe charged');
  });
});
