/**
 * The built `kieaudio` binary run as a child process on fixture projects, against the simulator
 * over real HTTP. (Run asynchronously: the simulator lives in this process.)
 */
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/cli/diagnostics.js';
import { build, init, plan, ValidationError } from '../../src/index.js';
import { inspectAudio } from '../audio/inspect/inspect.js';
import { kieaudio, spawnKieaudio } from '../helpers/cli.js';
import { exampleProject, FAST_API, makeProject, simulator, tempDir } from '../helpers/project.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { smallProject } from '../helpers/small-project.js';

describe('kieaudio binary', () => {
  it('builds the example project end to end, then finds it up to date', async () => {
    const dir = await exampleProject();
    const sim = await simulator();
    const first = await kieaudio(dir, ['build'], simEnv(sim));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/18 generated, 0 restored, 0 up to date, 0 failed/);
    for (const line of ['generated npc/blacksmith/greet.mp3', 'generated sfx/ui/coin.ogg', 'generated sfx/mine/drip.wav']) {
      expect(first.stdout.replace(/ +/g, ' ')).toContain(line);
    }
    const coin = await readFile(join(dir, 'examples/assets/audio/sfx/ui/coin.ogg'));
    expect(inspectAudio(coin).container).toBe('ogg');

    // up to date: what the build does is the library's (the summary's rendering is checked above)
    const second = await build({ cwd: dir, env: simEnv(sim) });
    expect(second.summary).toMatchObject({ generated: 0, restored: 0, upToDate: 18, failed: 0 });

    const status = await kieaudio(dir, ['status'], simEnv(sim));
    // the 18 assets (12, and 3 lines × 2 languages of the string table) and the mine entrance's scene file
    expect(status.stdout).toMatch(/^19 up to date$/m);
  });

  it('a reader that goes away (`build | head`) does not stop the build: it finishes, pays once, exits 0, says nothing', async () => {
    const dir = await smallProject();
    const sim = await simulator();
    const run = spawnKieaudio(dir, ['build', '--json'], simEnv(sim));
    // the planned lines come before any request; everything after them meets a closed pipe
    await run.waitFor(/"type":"planned"/, { stream: 'stdout' });
    run.proc.stdout?.destroy();
    expect(await run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(sim.stats().tasksCreated).toBe(3);
    const again = await build({ cwd: dir, env: simEnv(sim) });
    expect(again.summary).toMatchObject({ generated: 0, restored: 0, upToDate: 3, failed: 0 });
  });

  // (the example game's placeholders in every format: test/commands/check-placeholders.test.ts)
  it('--offline needs no key and no network', async () => {
    const dir = await smallProject();
    const result = await kieaudio(dir, ['build', '--offline']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/3 generated.*offline placeholders/);
  });

  it('--help for every command, --version', async () => {
    const dir = await tempDir();
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect((await kieaudio(dir, ['--version'])).stdout.trim()).toBe(pkg.version);
    const help = await kieaudio(dir, ['--help']);
    for (const command of ['build', 'plan', 'status', 'watch', 'clean', 'init', 'credits'].filter((c) => c !== 'watch')) {
      expect(help.stdout).toContain(`  ${command} `);
      const own = await kieaudio(dir, [command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`kieaudio ${command}`);
    }
    expect((await kieaudio(dir, ['build', '--bogus'])).code).toBe(2);
    expect((await kieaudio(dir, ['frobnicate'])).code).toBe(2);
  });

  it('init writes a project that builds offline', async () => {
    const dir = await tempDir();
    const created = await kieaudio(dir, ['init']);
    expect(created.code).toBe(0);
    const built = await build({ cwd: dir, offline: true });
    expect(built.summary.generated).toBe(2);
    expect((await kieaudio(dir, ['init'])).code).toBe(2);

    // a project inside that one, whose `audio/**` glob matches the inner spec file: each keeps its own
    const inner = join(dir, 'audio', 'sub');
    await mkdir(inner, { recursive: true });
    await init({ dir: inner });
    const outer = await plan({ cwd: dir });
    expect(outer.plan.items, 'the outer project plans its own 2 assets').toHaveLength(2);
    expect((await plan({ cwd: inner })).plan.items).toHaveLength(2);
    expect((await kieaudio(dir, ['plan'])).code).toBe(0);
  });

  it('exit 2 without a key when generation is needed; nothing written, nothing sent', async () => {
    const dir = await exampleProject();
    const sim = await simulator();
    const result = await kieaudio(dir, ['build'], { KIE_API_BASE_URL: sim.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KIE_API_KEY');
    expect(totalRequests(sim)).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['examples', 'kieaudio.config.yaml']);
  });

  it('reads the key from .env beside the config and never prints it', async () => {
    const dir = await smallProject();
    const sim = await simulator({ apiKeys: ['sk-test-0123456789abcdef'] });
    await writeFile(join(dir, '.env'), 'KIE_API_KEY=sk-test-0123456789abcdef\n');
    const result = await kieaudio(dir, ['build', '--verbose', '--json'], { KIE_API_BASE_URL: sim.url });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('0123456789abcdef');
    for (const line of result.stdout.trim().split('\n')) JSON.parse(line);
  });

  it('--only that matches nothing is a usage error', async () => {
    const dir = await exampleProject();
    const result = await kieaudio(dir, ['build', '--offline', '--only', 'nope.*']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('matches no asset');
  });

  it('--frozen exits 3 with the list of stale assets and sends nothing', async () => {
    const dir = await exampleProject();
    const sim = await simulator();
    const result = await kieaudio(dir, ['build', '--frozen'], simEnv(sim));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('npc/blacksmith/greet.mp3  new');
    expect(totalRequests(sim)).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['examples', 'kieaudio.config.yaml']);
  });

  it('credits: the balance, beside the estimated cost of a full rebuild and of what is stale', async () => {
    const dir = await smallProject();
    const sim = await simulator({ credits: 1234 });
    const result = await kieaudio(dir, ['credits'], simEnv(sim));
    const [balance, rebuild, stale] = result.stdout.trim().split('\n');
    expect(balance).toBe('1234 credits');
    expect(rebuild).toMatch(/^full rebuild: +~[\d.]+ credits \(3 tasks\)$/);
    expect(stale).toMatch(/^stale now: +~[\d.]+ credits \(3 tasks\)$/);
    const json = await kieaudio(dir, ['credits', '--json'], simEnv(sim));
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'credits', credits: 1234, rebuild: expect.any(Number), staleAssets: 3 });
  });

  it('--max-credits: a 50-asset build over a budget of 10 exits 4 with 0 requests; plan shows every estimate', async () => {
    const assets = Array.from({ length: 50 }, (_, i) => `  - { id: l${i}, kind: voice, text: "Line number ${i}", out: l/${i}.mp3 }`);
    const dir = await makeProject({
      'kieaudio.config.yaml': `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`,
      'audio/a.audio.yaml': `assets:\n${assets.join('\n')}\n`,
    });
    const sim = await simulator();
    const result = await kieaudio(dir, ['build', '--max-credits', '10', '--json'], simEnv(sim));
    expect(result.code, result.stderr).toBe(4);
    expect(totalRequests(sim)).toBe(0);
    const error = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.type === 'error');
    expect(error).toMatchObject({ code: 'E_BUDGET', maxCredits: 10, estimate: expect.any(Number) });
    expect(error.largest).toHaveLength(5);
    expect(error.message).toMatch(/would generate 50 assets, estimated at [\d.]+ credits: over the budget of 10 credits/);

    const plan = await kieaudio(dir, ['plan', '--max-credits', '10'], simEnv(sim));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^generate +l\/7\.mp3 +new +~[\d.]+ credits$/m);
    expect(plan.stdout).toMatch(
      /estimated cost: [\d.]+ credits \(50 from the price table\): over the budget of 10 credits; kieaudio build would refuse \(exit 4\)/,
    );
    expect((await kieaudio(dir, ['build', '--max-credits', 'lots'], simEnv(sim))).code).toBe(2);
  });
});

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
`;

/** Each case: a spec file, and the `file:line:col` plus words the error must show. */
const INVALID: Array<{ name: string; spec: string; expect: Array<[string, RegExp]> }> = [
  {
    name: 'a value out of range',
    spec: 'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    stability: 1.5\n',
    expect: [['bad.audio.yaml:5:16', /stability.*0.*1.*1\.5/]],
  },
  {
    name: 'an unknown voice, with a did-you-mean for the wrong case',
    spec: 'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    voice: rachel\n',
    expect: [['bad.audio.yaml:5:12', /Rachel/]],
  },
  {
    name: 'an unknown key',
    spec: 'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    stabilty: 0.5\n',
    expect: [['bad.audio.yaml:5:5', /stabilty/]],
  },
  {
    name: 'text over 5000 characters',
    spec: `assets:\n  - kind: voice\n    text: "${'a'.repeat(5001)}"\n    out: a.mp3\n`,
    expect: [['bad.audio.yaml:3:11', /5000/]],
  },
  {
    name: 'a duplicate id and a duplicate out',
    spec: 'assets:\n  - id: x\n    kind: voice\n    text: hi\n    out: a.mp3\n  - id: x\n    kind: voice\n    text: ho\n    out: a.mp3\n',
    expect: [
      ['bad.audio.yaml:6:9', /duplicate|already/i],
      ['bad.audio.yaml:9:10', /duplicate|already/i],
    ],
  },
  {
    name: 'an out that leaves outDir',
    spec: 'assets:\n  - kind: voice\n    text: hi\n    out: ../../escape.mp3\n  - kind: voice\n    text: ho\n    out: /etc/x.mp3\n',
    expect: [
      ['bad.audio.yaml:4:10', /outDir/],
      ['bad.audio.yaml:7:10', /outDir|absolute/],
    ],
  },
  {
    name: 'an out extension that does not fit the format',
    spec: 'assets:\n  - kind: effect\n    text: boom\n    output_format: pcm_16000\n    out: boom.mp3\n',
    expect: [['bad.audio.yaml:5:10', /\.wav/]],
  },
  {
    name: 'a wrong kind and a wrong type',
    spec: 'assets:\n  - kind: music\n    text: hi\n    out: a.mp3\n  - kind: effect\n    text: boom\n    duration_seconds: loud\n    out: b.mp3\n',
    expect: [
      ['bad.audio.yaml:2:11', /voice.*effect.*music/],
      ['bad.audio.yaml:7:23', /number.*loud/],
    ],
  },
  {
    name: 'broken YAML',
    spec: 'assets:\n  - kind: voice\n    text: "unterminated\n    out: a.mp3\n',
    expect: [['bad.audio.yaml:', /./]],
  },
];

/** The diagnostics of the ValidationError `call` rejects with, as the CLI prints them on stderr (with exit 2). */
async function renderedDiagnostics(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return renderDiagnostics((error as ValidationError).diagnostics, false);
}

describe('invalid input: exit 2, every problem with file:line:col, nothing sent, nothing written', () => {
  // One run over every kind of problem, one file each: they must all be reported at once.
  // (test/spec/contract-cases.test.ts checks each case alone, at the loader level.)
  it('every kind of problem in the contract, in one run', async () => {
    const files: Record<string, string> = { 'kieaudio.config.yaml': CONFIG };
    INVALID.forEach((c, i) => {
      // distinct ids and outs per file, so that the cases do not collide with each other
      files[`audio/c${i}.audio.yaml`] = c.spec.replace(/out: (?!\.\.|\/)/g, `out: c${i}/`).replace(/id: x\b/g, `id: x${i}`);
    });
    files['audio/link.audio.yaml'] = 'assets:\n  - kind: voice\n    text: hi\n    out: linked/a.mp3\n';
    const dir = await makeProject(files);
    const outside = await tempDir();
    await mkdir(join(dir, 'out'));
    await symlink(outside, join(dir, 'out', 'linked'));
    const before = (await readdir(dir, { recursive: true })).sort();
    const sim = await simulator();

    const result = await kieaudio(dir, ['build'], simEnv(sim));
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.split('\n');
    INVALID.forEach((c, i) => {
      for (const [where, words] of c.expect) {
        const at = where.replace('bad.audio.yaml', `audio/c${i}.audio.yaml`);
        const line = lines.find((l) => l.includes(at));
        expect(line, `${c.name}: no line with ${at} in:\n${result.stderr}`).toBeDefined();
        expect(line, c.name).toMatch(words);
      }
    });
    expect(result.stderr).toMatch(/audio\/link\.audio\.yaml:4:10.*symlink/);
    expect(totalRequests(sim)).toBe(0);
    expect((await readdir(dir, { recursive: true })).sort()).toEqual(before);
    expect(await readdir(outside)).toEqual([]);
  });

  it('problems in several files are all reported at once', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/one.audio.yaml': 'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    speed: 3\n',
      'audio/two.audio.yaml': 'assets:\n  - kind: effect\n    text: x\n    out: b.mp3\n    loop: maybe\n    prompt_influence: -1\n',
    });
    // what the CLI prints (exit 2, stderr: the case above), from the library's diagnostics
    const stderr = await renderedDiagnostics(plan({ cwd: dir, env: {} }));
    expect(stderr).toMatch(/audio\/one\.audio\.yaml:5:12/);
    expect(stderr).toMatch(/audio\/two\.audio\.yaml:5:11/);
    expect(stderr).toMatch(/audio\/two\.audio\.yaml:6:23/);
    expect(stderr).toMatch(/3 errors/);
  });

  it('an invalid config', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': 'version: 2\ninclude: []\nconcurrency: lots\n' });
    const stderr = await renderedDiagnostics(build({ cwd: dir, offline: true }));
    expect(stderr).toMatch(/kieaudio\.config\.yaml:1:10/);
    expect(stderr).toMatch(/kieaudio\.config\.yaml:3:14/);
  });

  it('no config found', async () => {
    const dir = await tempDir();
    const result = await kieaudio(dir, ['build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/kieaudio init/);
  });
});

describe('plan', () => {
  it('makes no requests and no writes, and says why', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/main.audio.yaml':
        'assets:\n  - id: a\n    kind: voice\n    text: hi\n    out: a.mp3\n  - id: b\n    kind: voice\n    text: ho\n    out: b.mp3\n  - id: c\n    kind: voice\n    text: hey\n    out: c.mp3\n',
    });
    const sim = await simulator();
    expect((await build({ cwd: dir, env: simEnv(sim) })).failures).toEqual([]);
    const spec = join(dir, 'audio/main.audio.yaml');
    await writeFile(
      spec,
      (await readFile(spec, 'utf8'))
        .replace('text: ho', 'text: ho ho')
        .replace('id: c\n    kind: voice\n', 'id: c\n    kind: voice\n    voice: George\n') +
        '  - id: d\n    kind: voice\n    text: new\n    out: d.mp3\n',
    );
    await rm(join(dir, 'out/a.mp3'));

    const snapshot = async () => {
      const files: Record<string, string> = {};
      const walk = async (d: string) => {
        for (const entry of await readdir(d, { withFileTypes: true })) {
          const p = join(d, entry.name);
          if (entry.isDirectory()) await walk(p);
          else files[p] = (await readFile(p)).toString('base64');
        }
      };
      await walk(dir);
      return files;
    };
    const before = await snapshot();
    const requests = totalRequests(sim);
    const result = await kieaudio(dir, ['plan'], simEnv(sim));
    expect(result.code).toBe(0);
    expect(totalRequests(sim)).toBe(requests);
    expect(await snapshot()).toEqual(before);
    const lines = result.stdout.split('\n').map((l) => l.replace(/ +/g, ' '));
    expect(lines).toContain('restore a.mp3 output missing, restoring from cache');
    expect(lines).toContain('generate b.mp3 text changed');
    expect(lines).toContain('generate c.mp3 voice changed');
    expect(lines).toContain('generate d.mp3 new');
    expect(lines).toContain('3 to generate, 1 to restore, 0 up to date');

    await writeFile(join(dir, 'out/c.mp3'), 'hand edit');
    const edited = (await plan({ cwd: dir, env: simEnv(sim) })).plan.items.find((i) => i.asset.out === 'c.mp3');
    expect(edited?.action.type).toBe('keep-modified');
    expect(edited?.reason).toContain('edited by hand');
  });
});
