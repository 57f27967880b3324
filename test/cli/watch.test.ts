/**
 * `kieaudio watch` as a user runs it: the built binary in a child process, real file edits, and
 * Ctrl-C (SIGINT) at the end.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonLine } from '../../src/cli/json-lines.js';
import { eventsJsonSchema } from '../../src/schema/json-schema.js';
import { kieaudio, type Spawned, spawnKieaudio } from '../helpers/cli.js';
import { validateJson } from '../helpers/mini-validator.js';
import { simulator, tempDir } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { NPC, smallProject } from '../helpers/small-project.js';

const running: Spawned[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
});

function start(cwd: string, args: string[], env: Record<string, string> = {}): Spawned {
  const p = spawnKieaudio(cwd, ['watch', ...args], env);
  running.push(p);
  return p;
}

async function edit(dir: string, file: string, from: string, to: string): Promise<void> {
  const path = join(dir, file);
  await writeFile(path, (await readFile(path, 'utf8')).replace(from, to));
}

describe('kieaudio watch', () => {
  it('builds, rebuilds what an edit changed, survives an invalid save, and exits 130 on Ctrl-C', async () => {
    const dir = await smallProject();
    const w = start(dir, ['--offline']);
    await w.waitFor(/^watching kieaudio\.config\.yaml and 2 spec files for changes \(Ctrl-C to stop\)$/m, { stream: 'stdout' });
    expect(w.stdout).toMatch(/^3 generated, 0 restored, 0 up to date, 0 failed .*offline placeholders$/m);

    let mark = w.stdout.length;
    await edit(dir, NPC, 'a blade', 'an axe');
    await w.waitFor(/^1 generated, 0 restored, 2 up to date, 0 failed/m, { stream: 'stdout', from: mark });
    const rebuild = w.stdout.slice(mark);
    expect(rebuild).toMatch(/^── \d\d:\d\d:\d\d audio\/npc\.audio\.yaml changed$/m);
    expect(rebuild).toMatch(/^generated +npc\/greet\.mp3 +\(placeholder\)$/m);

    const errMark = w.stderr.length;
    await edit(dir, NPC, '    stability: 0.4', '    stability: 4');
    await w.waitFor(/still watching/, { stream: 'stderr', from: errMark });
    expect(w.stderr.slice(errMark)).toMatch(
      /^audio\/npc\.audio\.yaml:6:16: error in asset smith\.greet: stability: expected a number from 0 to 1.*found 4/m,
    );
    expect(w.proc.exitCode).toBeNull();

    mark = w.stdout.length;
    await edit(dir, NPC, '    stability: 4', '    stability: 0.6');
    await w.waitFor(/^1 generated, 0 restored, 2 up to date, 0 failed/m, { stream: 'stdout', from: mark });

    w.proc.kill('SIGINT');
    expect(await w.exitCode).toBe(130);
    expect(w.stdout).toMatch(/stopped watching\n$/);
  });

  it('--json: every line is one versioned event that validates against the schema', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const w = start(dir, ['--json'], simEnv(sim));
    await w.waitFor(/"type":"watching"/, { stream: 'stdout' });
    await edit(dir, NPC, 'a blade', 'an axe');
    await w.waitFor(/"type":"summary".*\n(.*\n)*.*"type":"summary"/, { stream: 'stdout' });
    await edit(dir, NPC, '    stability: 0.4', '    stability: 4');
    await w.waitFor(/"type":"rebuild-error"/, { stream: 'stdout' });
    w.proc.kill('SIGINT');
    expect(await w.exitCode).toBe(130);

    const schema = eventsJsonSchema();
    const lines = w.stdout.trim().split('\n');
    for (const line of lines) {
      expect(validateJson(schema, JSON.parse(line), schema), line).toEqual([]);
      parseJsonLine(line);
    }
    const types = lines.map((l) => parseJsonLine(l).type);
    expect(types[0]).toBe('rebuild');
    expect(types).toEqual(expect.arrayContaining(['planned', 'submitted', 'generated', 'summary', 'watching', 'rebuild', 'rebuild-error']));
    const summaries = lines.map(parseJsonLine).filter((l) => l.type === 'summary');
    expect(summaries.map((s) => s.type === 'summary' && [s.generated, s.upToDate])).toEqual([
      [3, 0],
      [1, 2],
    ]);
    // human words went to stderr, never into the JSON stream
    expect(w.stderr).toContain('stopped watching');
  });

  it('Ctrl-C on an idle watch says only that it stopped: nothing is in flight', async () => {
    const dir = await smallProject();
    const w = start(dir, ['--offline']);
    await w.waitFor(/^watching kieaudio\.config\.yaml/m, { stream: 'stdout' });
    const mark = w.stdout.length;
    w.proc.kill('SIGINT');
    expect(await w.exitCode).toBe(130);
    expect(w.stdout.slice(mark)).toBe('stopped watching\n');
    expect(w.stderr).toBe('');
  });

  it('Ctrl-C during a build says how many tasks stay in the journal', async () => {
    const dir = await smallProject();
    // a frozen clock holds every task in flight
    const frozenAt = Date.now();
    const sim = await simulator({ clock: () => frozenAt });
    const w = start(dir, ['--json'], simEnv(sim));
    await w.waitFor(/("type":"submitted"[\s\S]*){3}/, { stream: 'stdout' });
    w.proc.kill('SIGINT');
    expect(await w.exitCode).toBe(130);
    expect(w.stderr).toMatch(/^stopping: no new tasks; the 3 tasks in flight stay in the journal for the next build \(Ctrl-C again/m);
    const interrupted = w.stdout.split('\n').filter((l) => l.includes('"type":"interrupted"'));
    expect(interrupted.map((l) => parseJsonLine(l)).map((e) => e.type === 'interrupted' && e.inFlight.length)).toEqual([3]);
  });

  it('--help, and no config is a usage error', async () => {
    const dir = await tempDir();
    const help = await kieaudio(dir, ['watch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('kieaudio watch');
    expect((await kieaudio(dir, ['--help'])).stdout).toContain('  watch ');
    const none = await kieaudio(dir, ['watch', '--offline']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/kieaudio init/);
  });
});
