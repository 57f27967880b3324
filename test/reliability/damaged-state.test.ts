/**
 * Issue 16, damaged local state: a cache record that is not a record (its audio intact beside it)
 * and a kieaudio.lock that is not a lock. Through the built CLI against the simulator: what `plan`
 * says (and that it writes nothing), what the build does and says, and what the next build pays —
 * nothing, unless the damage leaves no checked result anywhere, and then it says why. What the
 * CLI only repeats (the plan of each kind of damage, the build after a repaired one, the JSON error
 * of each damaged lock) is checked through the library, once through the CLI.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type ExpectStatic, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { plan as planOf } from '../../src/commands/plan.js';
import type { KieaudioError } from '../../src/errors.js';
import type { BuildEvent } from '../../src/events.js';
import type { Simulator } from '../../src/sim/index.js';
import { jsonLines, kieaudio } from '../helpers/cli.js';
import { listFiles } from '../helpers/files.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import type { OnFinished } from '../helpers/temp-dir.js';
import { config, resources, snapshotTree } from './helpers.js';

const SPEC = `assets:
  - { id: a, kind: voice, text: "The gate is open.", out: a.mp3 }
  - { id: b, kind: voice, text: "Close it behind you.", out: b.mp3 }
  - { id: c, kind: effect, text: "Gate creak", output_format: pcm_16000, out: c.wav }
  - { id: d, kind: effect, text: "Bolt slides shut", out: d.mp3 }
`;

interface Built {
  dir: string;
  sim: Simulator;
  env: Record<string, string>;
  lock: { assets: Record<string, { specHash: string; contentHash: string; taskId: string; baseUrl?: string }> };
  bytes: (out: string) => Promise<Buffer>;
}

/** The project, built once through the CLI; `bytes` reads an output as that build left it. */
async function builtProject(expect: ExpectStatic, onTestFinished: OnFinished): Promise<Built> {
  const r = resources(onTestFinished);
  const dir = await r.project({ 'kieaudio.config.yaml': config(), 'audio/gate.audio.yaml': SPEC });
  const sim = await r.sim();
  const env = simEnv(sim);
  // the starting point is built in this process (the damage is what goes through the CLI)
  const first = await build({ cwd: dir, env });
  expect(first.failures).toEqual([]);
  const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')) as Built['lock'];
  const original = new Map<string, Buffer>();
  for (const out of Object.keys(lock.assets)) original.set(out, await readFile(join(dir, 'out', out)));
  return { dir, sim, env, lock, bytes: async (out) => original.get(out) ?? Buffer.alloc(0) };
}

function recordPath(b: Built, out: string): string {
  const hash = b.lock.assets[out]?.specHash ?? '';
  return join(b.dir, '.kieaudio', 'cache', hash.slice(0, 2), `${hash}.json`);
}

/** Credits and tasks the simulator saw from `run()`. */
async function paidFor<T>(sim: Simulator, run: () => Promise<T>): Promise<{ run: T; credits: number; tasks: number }> {
  const before = sim.stats();
  const result = await run();
  const after = sim.stats();
  return { run: result, credits: after.creditsCharged - before.creditsCharged, tasks: after.tasksCreated - before.tasksCreated };
}

const DAMAGE: Record<string, (record: string) => string> = {
  empty: () => '',
  'cut short': (record) => record.slice(0, 30),
  'not JSON': () => '\u0000\u0000\u0000 garbage',
  'the wrong shape': () => '{"contentHash":"abc","size":-1}',
};

describe.concurrent('a damaged cache record beside intact audio', () => {
  for (const [name, damage] of Object.entries(DAMAGE)) {
    it(`${name}: plan says it is rebuilt from the audio (and writes nothing); the build rebuilds it, says so once, pays nothing`, async ({
      expect,
      onTestFinished,
    }) => {
      const b = await builtProject(expect, onTestFinished);
      await writeFile(recordPath(b, 'a.mp3'), damage(await readFile(recordPath(b, 'a.mp3'), 'utf8')));
      await rm(join(b.dir, 'out', 'a.mp3'));

      const before = await snapshotTree(b.dir);
      const why = 'output missing, restoring from cache (cache record damaged, rebuilt from the audio)';
      // the plan is the same whatever the damage: printed by the CLI once, read from the library for the rest
      if (name === 'empty') {
        const plan = await kieaudio(b.dir, ['plan'], b.env);
        expect(plan.code, plan.stderr).toBe(0);
        expect(plan.stdout.split('\n').map((l) => l.replace(/ +/g, ' '))).toContain(`restore a.mp3 ${why}`);
      } else {
        const item = (await planOf({ cwd: b.dir, env: b.env })).plan.items.find((i) => i.asset.out === 'a.mp3');
        expect({ action: item?.action.type, reason: item?.reason }).toEqual({ action: 'restore', reason: why });
      }
      expect(await snapshotTree(b.dir), 'plan wrote nothing').toEqual(before);

      const record = `.kieaudio/cache/${b.lock.assets['a.mp3']?.specHash.slice(0, 2)}/${b.lock.assets['a.mp3']?.specHash}.json`;
      const warning = (path: string) => `cache record ${path} was damaged; rebuilt from the audio beside it, which matches the lock`;
      // so is the build: printed by the CLI once, its events from the library for the rest
      const { credits, tasks } = await paidFor(b.sim, async () => {
        if (name === 'empty') {
          const run = await kieaudio(b.dir, ['build'], b.env);
          expect(run.code, run.stderr).toBe(0);
          expect(run.stderr.trim().split('\n')).toEqual([`warning in asset a: ${warning(record)}`]);
          expect(run.stdout).toMatch(/^restored +a\.mp3 +from cache$/m);
          return;
        }
        const events: BuildEvent[] = [];
        const result = await build({ cwd: b.dir, env: b.env, onEvent: (e) => events.push(e) });
        expect(result.failures).toEqual([]);
        // (the library names the path in full; the CLI prints it relative to the project, as above)
        expect(events.filter((e) => e.type === 'warning').map((e) => [e.asset, e.message])).toEqual([['a', warning(join(b.dir, record))]]);
        expect(events.filter((e) => e.type === 'restored').map((e) => [e.out, e.from])).toEqual([['a.mp3', 'cache']]);
      });
      expect({ credits, tasks }).toEqual({ credits: 0, tasks: 0 });
      expect(await readFile(join(b.dir, 'out', 'a.mp3'))).toEqual(await b.bytes('a.mp3'));
      // the record is whole again, with the task the lock names
      expect(JSON.parse(await readFile(recordPath(b, 'a.mp3'), 'utf8'))).toMatchObject({
        contentHash: b.lock.assets['a.mp3']?.contentHash,
        taskId: b.lock.assets['a.mp3']?.taskId,
        baseUrl: b.sim.url,
      });

      const warnings: string[] = [];
      const again = await build({ cwd: b.dir, env: b.env, onEvent: (e) => e.type === 'warning' && warnings.push(e.message) });
      expect(warnings, 'warned once').toEqual([]);
      expect(again.summary).toMatchObject({ generated: 0, restored: 0, upToDate: 4 });
      console.log(`[damaged-state] cache record ${name}: second build paid ${credits} credits, created ${tasks} tasks`);
    });
  }

  it('with no lock to check it against, audio of the right container is trusted: adopted, nothing paid', async ({
    expect,
    onTestFinished,
  }) => {
    const b = await builtProject(expect, onTestFinished);
    await writeFile(recordPath(b, 'c.wav'), '');
    await rm(join(b.dir, 'kieaudio.lock'));
    const { run, credits, tasks } = await paidFor(b.sim, () => kieaudio(b.dir, ['build', '--json'], b.env));
    expect(run.code, run.stderr).toBe(0);
    expect({ credits, tasks }).toEqual({ credits: 0, tasks: 0 });
    const lines = jsonLines(run.stdout);
    expect(lines).toContainEqual(
      expect.objectContaining({
        type: 'planned',
        out: 'c.wav',
        action: 'adopt',
        reason: 'output matches the cache (cache record damaged, rebuilt from the audio)',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'W_CACHE_RECORD_REBUILT',
        asset: 'c',
        message: expect.stringContaining('which is wav audio, as the asset needs'),
      }),
    );
    expect(lines.at(-1)).toMatchObject({ type: 'summary', restored: 4, generated: 0, creditsUsed: 0 });
  });

  it('that cannot be checked is moved aside with its audio (never deleted), and the generation that follows says why', async ({
    expect,
    onTestFinished,
  }) => {
    const b = await builtProject(expect, onTestFinished);
    const hash = b.lock.assets['a.mp3']?.specHash ?? '';
    // other audio where a.mp3's result was, and a lock that makes a.mp3's task unusable here
    await writeFile(recordPath(b, 'a.mp3'), '{"contentHash":');
    await writeFile(recordPath(b, 'a.mp3').replace(/\.json$/, '.audio'), await b.bytes('b.mp3'));
    const lockText = await readFile(join(b.dir, 'kieaudio.lock'), 'utf8');
    await writeFile(join(b.dir, 'kieaudio.lock'), lockText.replace(`"baseUrl": "${b.sim.url}"`, '"baseUrl": "http://127.0.0.1:1"'));
    await rm(join(b.dir, 'out', 'a.mp3'));

    const plan = await kieaudio(b.dir, ['plan'], b.env);
    const task = b.lock.assets['a.mp3']?.taskId;
    const why = `output missing, cache record damaged (its audio is not what the lock records); task ${task} was made on http://127.0.0.1:1, not on this API`;
    expect(plan.stdout.split('\n').map((l) => l.replace(/ +/g, ' '))).toContain(`generate a.mp3 ${why}`);

    const { run, credits, tasks } = await paidFor(b.sim, () => kieaudio(b.dir, ['build', '--json'], b.env));
    expect(run.code, run.stderr).toBe(0);
    expect(tasks).toBe(1);
    const lines = jsonLines(run.stdout);
    const damaged = lines.find((l) => l.type === 'warning' && l.code === 'W_CACHE_RECORD_DAMAGED');
    expect(damaged?.message).toMatch(
      new RegExp(
        `^cache record \\.kieaudio/cache/${hash.slice(0, 2)}/${hash}\\.json is damaged and its audio is not what the lock records: moved aside to \\.kieaudio/cache/damaged/${hash}\\..*\\.json, with its audio if any .*; a\\.mp3 is generated again$`,
      ),
    );
    expect(lines).toContainEqual(expect.objectContaining({ type: 'warning', code: 'W_NOT_RECOVERABLE', asset: 'a' }));
    const aside = (await listFiles(join(b.dir, '.kieaudio', 'cache', 'damaged'))).map((f) => f.replace(/\..*\./, '.*.'));
    expect(aside).toEqual([`${hash}.*.audio`, `${hash}.*.json`]);
    console.log(`[damaged-state] cache record not checkable (audio replaced, task on another API): paid ${credits} credits, ${tasks} task`);
  });
});

const LOCK_DAMAGE: Record<string, (lock: string) => string> = {
  'cut short': (lock) => lock.slice(0, Math.floor(lock.length / 2)),
  empty: () => '',
  'merge conflict markers': (lock) => `<<<<<<< HEAD\n${lock}=======\n${lock.replace(/"size": \d+/, '"size": 1')}>>>>>>> feature\n`,
  'the wrong shape': () => '{"version":1,"assets":[]}',
  'an unsafe output path': (lock) => lock.replace('"a.mp3"', '"../../etc/passwd"'),
};

describe.concurrent('a damaged kieaudio.lock', () => {
  for (const [name, damage] of Object.entries(LOCK_DAMAGE)) {
    it(`${name}: one clear error naming the safe fixes, exit 1, nothing sent or written`, async ({ expect, onTestFinished }) => {
      const b = await builtProject(expect, onTestFinished);
      await writeFile(join(b.dir, 'kieaudio.lock'), damage(await readFile(join(b.dir, 'kieaudio.lock'), 'utf8')));
      await rm(join(b.dir, 'out', 'a.mp3'));
      const before = await snapshotTree(b.dir);
      const requests = totalRequests(b.sim);
      const message =
        /^kieaudio\.lock is damaged: .+\. Nothing was changed\. Safe fixes: .*git checkout .*-- kieaudio\.lock.*; or delete it: the next build adopts the outputs that match the cache and leaves every other existing output alone, so nothing is paid for an output that exists/;
      if (name === 'cut short') {
        // every command reads the lock the same way, and the CLI prints any error the same way
        // (an `error: ` line, exit 1): plan, status and --json are checked on one case
        for (const args of [['build'], ['plan'], ['status']]) {
          const run = await kieaudio(b.dir, args, b.env);
          expect(run.code, `${args[0]}: ${run.stderr}`).toBe(1);
          const lines = run.stderr.trim().split('\n');
          expect(lines, args[0]).toHaveLength(1);
          expect(lines[0]?.replace(/^error: /, '')).toMatch(message);
        }
        const json = await kieaudio(b.dir, ['build', '--json'], b.env);
        expect(jsonLines(json.stdout)).toEqual([expect.objectContaining({ type: 'error', code: 'E_LOCK_DAMAGED' })]);
      } else {
        // what the CLI prints above as one `error: ` line, from the library
        const thrown = (await build({ cwd: b.dir, env: b.env }).then(
          () => undefined,
          (e: unknown) => e,
        )) as KieaudioError | undefined;
        expect(thrown?.code).toBe('E_LOCK_DAMAGED');
        expect(thrown?.message).not.toContain('\n');
        expect(thrown?.message).toMatch(message);
      }
      expect(totalRequests(b.sim), 'requests sent').toBe(requests);
      expect(await snapshotTree(b.dir), 'files written').toEqual(before);
    });
  }

  it('deleted, as the message says is safe: outputs that match the cache are adopted, every other existing output is left alone, nothing is paid', async ({
    expect,
    onTestFinished,
  }) => {
    const b = await builtProject(expect, onTestFinished);
    // a: edited by hand; b: as built; c: deleted (still cached); d: as built, its cache entry gone
    await writeFile(join(b.dir, 'out', 'a.mp3'), 'my own take');
    await rm(join(b.dir, 'out', 'c.wav'));
    const dHash = b.lock.assets['d.mp3']?.specHash ?? '';
    await rm(join(b.dir, '.kieaudio', 'cache', dHash.slice(0, 2)), { recursive: true });
    await writeFile(join(b.dir, 'kieaudio.lock'), '{"version":1,"assets":{"a.mp3":{');
    const broken = await kieaudio(b.dir, ['build'], b.env);
    expect(broken.code).toBe(1);

    await rm(join(b.dir, 'kieaudio.lock'));
    const { run, credits, tasks } = await paidFor(b.sim, () => kieaudio(b.dir, ['build', '--json'], b.env));
    expect(run.code, run.stderr).toBe(0);
    expect({ credits, tasks }).toEqual({ credits: 0, tasks: 0 });
    const actions = Object.fromEntries(
      jsonLines(run.stdout)
        .filter((l) => l.type === 'planned')
        .map((l) => [l.out, l.action]),
    );
    expect(actions).toEqual({ 'a.mp3': 'keep-modified', 'b.mp3': 'adopt', 'c.wav': 'restore', 'd.mp3': 'keep-modified' });
    expect(await readFile(join(b.dir, 'out', 'a.mp3'), 'utf8')).toBe('my own take');
    for (const out of ['b.mp3', 'c.wav', 'd.mp3']) expect(await readFile(join(b.dir, 'out', out)), out).toEqual(await b.bytes(out));
    console.log(
      `[damaged-state] corrupt lock deleted: next build paid ${credits} credits, ${tasks} tasks (actions ${JSON.stringify(actions)})`,
    );
  });
});
