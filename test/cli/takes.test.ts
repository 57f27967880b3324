/**
 * `kieaudio takes`, `pin` and `unpin` as the built binary runs them: their text, their `--json`
 * documents (valid against the committed schema), and exit 2 for a name or take that does not exist.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonLine } from '../../src/cli/json-lines.js';
import { build } from '../../src/index.js';
import { EVENTS_SCHEMA_FILE, type JsonSchema } from '../../src/schema/json-schema.js';
import { kieaudio } from '../helpers/cli.js';
import { validateJson } from '../helpers/mini-validator.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { simEnv } from '../helpers/sim.js';
import { smallProject } from '../helpers/small-project.js';

const committed = JSON.parse(await readFile(join(REPO_ROOT, 'schemas', EVENTS_SCHEMA_FILE), 'utf8')) as JsonSchema;

/** The one JSON document a command printed, checked against the committed schema. */
function document(stdout: string) {
  const lines = stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  const json = JSON.parse(lines[0] ?? '') as unknown;
  expect(validateJson(committed, json, committed)).toEqual([]);
  return parseJsonLine(lines[0] ?? '');
}

/** The small project, built (in this process: the takes are what goes through the CLI), with smith.greet regenerated once: two takes. */
async function twoTakes() {
  const dir = await smallProject();
  const sim = await simulator();
  expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
  expect((await build({ cwd: dir, env: simEnv(sim), regenerate: true, only: ['smith.greet'] })).failures).toEqual([]);
  return { dir, sim };
}

describe('kieaudio takes, pin, unpin', () => {
  it('list the takes as a table and as one JSON document; pin and unpin say what they did', async () => {
    const { dir } = await twoTakes();
    const text = await kieaudio(dir, ['takes', 'smith.greet']);
    expect(text.code).toBe(0);
    const rows = text.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('smith.greet (npc/greet.mp3)');
    expect(rows[1]).toMatch(/^take\s+date\s+task\s+credits$/);
    expect(rows[2]).toMatch(/^1\s+\d{4}-\d\d-\d\dT\S+\s+\S+\s+\d+$/);
    expect(rows[3]).toMatch(/^2\s.*\scurrent$/);

    const pinned = await kieaudio(dir, ['pin', 'smith.greet', '1', '--json']);
    expect(pinned.code).toBe(0);
    expect(document(pinned.stdout)).toEqual({ v: 1, type: 'pin', asset: 'smith.greet', out: 'npc/greet.mp3', take: 1 });

    const json = document((await kieaudio(dir, ['takes', 'npc/greet.mp3', '--json'])).stdout);
    if (json.type !== 'takes') throw new Error(`expected a takes document, got ${json.type}`);
    expect(json.asset).toBe('smith.greet');
    expect(json.takes.map((t) => [t.take, t.current, t.pinned, t.missing, t.placeholder])).toEqual([
      [1, true, true, false, false],
      [2, false, false, false, false],
    ]);
    expect(json.takes.every((t) => typeof t.taskId === 'string' && (t.credits ?? 0) > 0)).toBe(true);

    const unpinned = await kieaudio(dir, ['unpin', 'smith.greet']);
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout.trim()).toBe('unpinned take 1 of smith.greet; take 2 is at npc/greet.mp3');
  });

  it('exit 2 for an unknown id (with a did-you-mean), a take that does not exist, or a missing argument', async () => {
    const { dir } = await twoTakes();
    const lock = await readFile(join(dir, 'kieaudio.lock'), 'utf8');
    const unknown = await kieaudio(dir, ['takes', 'smith.gret']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no asset has the id or out path "smith.gret" (did you mean "smith.greet"?)');
    const nine = await kieaudio(dir, ['pin', 'smith.greet', '9']);
    expect(nine.code).toBe(2);
    expect(nine.stderr).toContain('smith.greet has no take 9; its takes are 1, 2');
    const notNumber = await kieaudio(dir, ['pin', 'smith.greet', 'first']);
    expect(notNumber.code).toBe(2);
    const missing = await kieaudio(dir, ['pin', 'smith.greet']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('expected ID TAKE, found "smith.greet"');
    expect(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).toBe(lock);
  });

  it('lists a take the lock names but the cache no longer has as missing, not silently dropped', async () => {
    const { dir } = await twoTakes();
    await rm(join(dir, '.kieaudio/cache'), { recursive: true });
    const json = document((await kieaudio(dir, ['takes', 'smith.greet', '--json'])).stdout);
    if (json.type !== 'takes') throw new Error(`expected a takes document, got ${json.type}`);
    expect(json.takes.map((t) => [t.take, t.current, t.missing])).toEqual([[1, true, true]]);
    const text = await kieaudio(dir, ['takes', 'smith.greet']);
    expect(text.stdout).toMatch(/^1\s.*current, missing from the cache$/m);
  });

  it('are in the help', async () => {
    const { stdout } = await kieaudio(process.cwd(), ['--help']);
    for (const name of ['takes', 'pin', 'unpin']) expect(stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    const pinHelp = await kieaudio(process.cwd(), ['pin', '--help']);
    expect(pinHelp.stdout).toContain('kieaudio pin ID TAKE');
  });

  it('name a scene line by its line id, and pin brings the take its subtitles', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`,
      'audio/mine.audio.yaml': `scenes:
  - id: mine.entrance
    timestamps: true
    subtitles: [srt]
    lines:
      - { text: "The tracks go down.", out: mine/01.mp3 }
      - { text: "Then we are not the first.", out: mine/02.mp3 }
`,
    });
    const sim = await simulator({ resultSeconds: 2 });
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    const longer = await simulator({ resultSeconds: 3 });
    expect((await build({ cwd: dir, env: simEnv(longer), regenerate: true, only: ['mine.entrance.2'] })).failures).toEqual([]);
    const json = document((await kieaudio(dir, ['takes', 'mine.entrance.2', '--json'])).stdout);
    if (json.type !== 'takes') throw new Error(`expected a takes document, got ${json.type}`);
    expect(json).toMatchObject({ asset: 'mine.entrance.2', out: 'mine/02.mp3' });
    expect(json.takes.map((t) => [t.take, t.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    const srt = () => readFile(join(dir, 'out/mine/02.srt'), 'utf8');
    expect(await srt()).toContain('--> 00:00:02,9');
    const pinned = await kieaudio(dir, ['pin', 'mine.entrance.2', '1', '--json']);
    expect(document(pinned.stdout)).toEqual({ v: 1, type: 'pin', asset: 'mine.entrance.2', out: 'mine/02.mp3', take: 1 });
    expect(await srt()).toContain('--> 00:00:01,9');
    expect((await kieaudio(dir, ['unpin', 'mine/02.mp3'])).stdout.trim()).toBe(
      'unpinned take 1 of mine.entrance.2; take 2 is at mine/02.mp3',
    );
    expect(await srt()).toContain('--> 00:00:02,9');
  });
});
