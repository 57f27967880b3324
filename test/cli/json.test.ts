/**
 * `--json` on every command: stdout is nothing but JSON lines, each valid against the committed
 * schemas/kieaudio.events.schema.json (and the zod schema it was generated from), and the
 * numbers in them are the real ones.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, parseJsonLine } from '../../src/cli/json-lines.js';
import { build } from '../../src/index.js';
import { EVENTS_SCHEMA_FILE, type JsonSchema } from '../../src/schema/json-schema.js';
import { kieaudio, type Run } from '../helpers/cli.js';
import { validateJson } from '../helpers/mini-validator.js';
import { simulator, tempDir } from '../helpers/project.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { NPC, smallProject } from '../helpers/small-project.js';

const committed = JSON.parse(await readFile(join(REPO_ROOT, 'schemas', EVENTS_SCHEMA_FILE), 'utf8')) as JsonSchema;

/** Every stdout line, checked against the committed JSON Schema and parsed with the zod one. */
function lines(run: Run): JsonLine[] {
  const text = run.stdout;
  expect(text.endsWith('\n') || text === '', 'stdout ends with a newline').toBe(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      expect(validateJson(committed, JSON.parse(line), committed), line).toEqual([]);
      const parsed = parseJsonLine(line);
      expect(parsed.v).toBe(1);
      return parsed;
    });
}

const only = <T extends JsonLine['type']>(all: JsonLine[], type: T) =>
  all.filter((l): l is Extract<JsonLine, { type: T }> => l.type === type);

describe('--json', () => {
  it('build: every event, and a summary whose counts and credits are right', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const first = await kieaudio(dir, ['build', '--json', '--verbose'], simEnv(sim));
    expect(first.code).toBe(0);
    const events = lines(first);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['planned', 'submitted', 'state', 'generated', 'summary']));
    expect(events.at(-1)?.type).toBe('summary');
    const [summary] = only(events, 'summary');
    const generated = only(events, 'generated');
    expect(only(events, 'planned')).toHaveLength(3);
    expect(
      only(events, 'submitted')
        .map((s) => s.taskId)
        .sort(),
    ).toEqual(generated.map((g) => g.taskId).sort());
    expect(summary).toMatchObject({ generated: 3, restored: 0, upToDate: 0, failed: 0, placeholders: false });
    expect(generated).toHaveLength(sim.stats().tasksCreated);
    expect(summary?.creditsUsed).toBe(sim.stats().creditsCharged);
    expect(summary?.creditsUsed).toBe(generated.reduce((sum, g) => sum + (g.credits ?? 0), 0));

    await rm(join(dir, 'out/sfx/coin.mp3'));
    const second = lines(await kieaudio(dir, ['build', '--json'], simEnv(sim)));
    expect(only(second, 'restored')).toEqual([
      { v: 1, type: 'restored', asset: 'coin', out: 'sfx/coin.mp3', from: 'cache', bytes: expect.any(Number) },
    ]);
    expect(only(second, 'summary')[0]).toMatchObject({ generated: 0, restored: 1, upToDate: 2, creditsUsed: 0 });
  });

  it('plan, status, clean and credits: one typed line per result', async () => {
    const dir = await smallProject();
    const sim = await simulator({ credits: 500 });
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    await writeFile(
      join(dir, NPC),
      (await readFile(join(dir, NPC), 'utf8')).replace(/ {2}- id: smith\.bye[\s\S]*$/, '').replace('a blade', 'an axe'),
    );
    const requests = totalRequests(sim);

    const plan = lines(await kieaudio(dir, ['plan', '--json'], simEnv(sim)));
    expect(plan).toEqual([
      {
        v: 1,
        type: 'planned',
        asset: 'smith.greet',
        out: 'npc/greet.mp3',
        action: 'generate',
        reason: 'text changed',
        // priced from the lock: what the line cost, scaled by its length (docs/budgets.md)
        estimate: expect.any(Number),
        file: NPC,
        line: 2,
        col: 5,
      },
      {
        v: 1,
        type: 'planned',
        asset: 'coin',
        out: 'sfx/coin.mp3',
        action: 'up-to-date',
        reason: expect.any(String),
        file: 'audio/sfx.audio.yaml',
        line: 2,
        col: 5,
      },
      { v: 1, type: 'orphan', out: 'npc/bye.mp3', intact: true, exists: true },
      { v: 1, type: 'estimate', total: expect.any(Number), assets: 1, fromLock: 1, fromTable: 0 },
    ]);
    expect(plan[0]?.type === 'planned' && plan[0].estimate).toBe(plan[3]?.type === 'estimate' && plan[3].total);

    const status = lines(await kieaudio(dir, ['status', '--json'], simEnv(sim)));
    expect(status.map((s) => s.type === 'status' && [s.out, s.status])).toEqual([
      ['npc/greet.mp3', 'stale'],
      ['sfx/coin.mp3', 'up to date'],
      ['npc/bye.mp3', 'orphaned'],
    ]);

    const clean = lines(await kieaudio(dir, ['clean', '--dry-run', '--json'], simEnv(sim)));
    expect(clean).toEqual([
      { v: 1, type: 'clean', removed: ['npc/bye.mp3'], keptModified: [], forgotten: [], cacheEntriesRemoved: 0, dryRun: true },
    ]);
    expect(totalRequests(sim)).toBe(requests);

    const credits = lines(await kieaudio(dir, ['credits', '--json'], simEnv(sim)));
    expect(credits).toEqual([
      {
        v: 1,
        type: 'credits',
        credits: 500 - sim.stats().creditsCharged,
        rebuild: expect.any(Number),
        stale: plan[3]?.type === 'estimate' && plan[3].total,
        staleAssets: 1,
      },
    ]);
  });

  it('init', async () => {
    const dir = await tempDir();
    const [init, ...rest] = lines(await kieaudio(dir, ['init', '--json']));
    expect(rest).toEqual([]);
    expect(init?.type === 'init' && init.written).toEqual(
      expect.arrayContaining(['kieaudio.config.yaml', expect.stringMatching(/\.audio\.yaml$/)]),
    );
  });

  it('errors are error lines: invalid input with every diagnostic, --frozen with every stale asset', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const path = join(dir, NPC);
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.replace('    stability: 0.4', '    stability: 4\n    pitch: 2'));
    const invalid = await kieaudio(dir, ['build', '--json'], simEnv(sim));
    expect(invalid.code).toBe(2);
    const [error] = only(lines(invalid), 'error');
    expect(error?.code).toBe('E_VALIDATION');
    expect(error?.diagnostics?.map((d) => [d.file, d.line, d.col, d.code])).toEqual([
      [NPC, 6, 16, 'E_RANGE'],
      [NPC, 7, 5, 'E_UNKNOWN_KEY'],
    ]);
    // people still read it on stderr
    expect(invalid.stderr).toContain('audio/npc.audio.yaml:6:16');

    await writeFile(path, good);
    const frozen = await kieaudio(dir, ['build', '--frozen', '--json'], simEnv(sim));
    expect(frozen.code).toBe(3);
    const frozenLines = lines(frozen);
    expect(only(frozenLines, 'summary')).toHaveLength(1);
    expect(only(frozenLines, 'error')).toEqual([
      {
        v: 1,
        type: 'error',
        code: 'E_FROZEN',
        message: expect.stringContaining('3 assets are not up to date'),
        stale: [
          { asset: 'smith.greet', out: 'npc/greet.mp3', action: 'generate', reason: 'new' },
          { asset: 'smith.bye', out: 'npc/bye.mp3', action: 'generate', reason: 'new' },
          { asset: 'coin', out: 'sfx/coin.mp3', action: 'generate', reason: 'new' },
        ],
      },
    ]);
    expect(totalRequests(sim)).toBe(0);

    const noMatch = await kieaudio(dir, ['plan', '--json', '--only', 'nothing.*']);
    expect(noMatch.code).toBe(2);
    expect(only(lines(noMatch), 'error')).toEqual([
      { v: 1, type: 'error', code: 'E_NO_MATCH', message: expect.stringContaining('matches no asset') },
    ]);
  });
});
