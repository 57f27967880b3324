/**
 * Issue #3, test 5: hostile input is refused before anything happens. Each case is a project with
 * one malicious config or spec. Every case goes through the library's `build()` (what
 * `kieaudio build` runs): it must throw a ValidationError — the CLI's exit 2 — send nothing to
 * the simulator, leave the project's files exactly as they were (no lock, no .kieaudio/, no
 * output), write nothing into a folder outside the project that the spec tries to reach, and its
 * diagnostics, rendered as the CLI renders them, must stay readable and escaped. A representative
 * handful also runs through the built CLI, for the exit code and the real stderr.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type ExpectStatic, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { renderDiagnostics } from '../../src/cli/diagnostics.js';
import { ValidationError } from '../../src/errors.js';
import { kieaudio } from '../helpers/cli.js';
import { writeFiles } from '../helpers/files.js';
import { totalRequests } from '../helpers/sim.js';
import { fastApi, resources, snapshotTree } from './helpers.js';

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${fastApi()}defaults:
  voice: { voice: Rachel }
`;

const SECRET = 'kie-TEST-7f3a9c2e5b1d4a6f8e0c';

const voice = (out: string, more = '') => `assets:\n  - kind: voice\n    text: hi\n    out: ${out}\n${more}`;

const BILLION_LAUGHS = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

interface Case {
  name: string;
  /** files of the project (config defaults to CONFIG); `outside` is an absolute folder outside it */
  files: (outside: string) => Record<string, string>;
  /** extra setup, e.g. symlinks */
  setup?: (dir: string, outside: string) => Promise<void>;
  /** text that must not appear in what is printed */
  secret?: string;
  /** also run through the built CLI (exit code 2, the real stderr) */
  cli?: true;
}

const CASES: Case[] = [
  { name: 'out escaping with ../', files: () => ({ 'audio/bad.audio.yaml': voice('../escape.mp3') }) },
  { name: 'out escaping with a/../../', files: () => ({ 'audio/bad.audio.yaml': voice('sfx/../../../escape.mp3') }) },
  { name: 'an absolute out', files: (outside) => ({ 'audio/bad.audio.yaml': voice(JSON.stringify(join(outside, 'abs.mp3'))) }) },
  { name: 'a Windows drive out (C:\\)', files: () => ({ 'audio/bad.audio.yaml': voice("'C:\\Windows\\evil.mp3'") }) },
  { name: 'a Windows drive out (C:/)', files: () => ({ 'audio/bad.audio.yaml': voice("'C:/evil.mp3'") }) },
  { name: 'backslashes in out', files: () => ({ 'audio/bad.audio.yaml': voice("'..\\..\\evil.mp3'") }) },
  { name: 'a NUL byte in out', files: () => ({ 'audio/bad.audio.yaml': voice('"ok\\0../../evil.mp3"') }) },
  {
    name: 'terminal escape sequences in out and id',
    cli: true,
    files: () => ({
      'audio/bad.audio.yaml':
        voice('"\\e[2K\\rok.mp3"') + voice('fine.mp3', '    id: "\\e]0;pwned\\a\\e[1A\\e[2Kx"\n    speed: 9\n').replace('assets:\n', ''),
    }),
  },
  {
    name: 'control characters and Windows-reserved characters in out',
    files: () => ({ 'audio/bad.audio.yaml': voice('"a\\nb.mp3"') + voice('"a|b.mp3"').replace('assets:\n', '') }),
  },
  {
    name: 'an out folder that is a symlink to a folder outside',
    cli: true,
    files: () => ({ 'audio/bad.audio.yaml': voice('linked/a.mp3') }),
    setup: async (dir, outside) => {
      await mkdir(join(dir, 'out'));
      await symlink(outside, join(dir, 'out', 'linked'));
    },
  },
  {
    name: 'an out below a symlinked folder, in subfolders that do not exist yet',
    files: () => ({ 'audio/bad.audio.yaml': voice('sfx/deep/er/a.mp3') }),
    setup: async (dir, outside) => {
      await mkdir(join(dir, 'out'));
      await symlink(outside, join(dir, 'out', 'sfx'));
    },
  },
  {
    name: 'huge voice text (1 MB)',
    cli: true,
    files: () => ({ 'audio/bad.audio.yaml': `assets:\n  - kind: voice\n    text: "${'a'.repeat(1024 * 1024)}"\n    out: a.mp3\n` }),
  },
  {
    name: 'huge effect text (1 MB)',
    files: () => ({ 'audio/bad.audio.yaml': `assets:\n  - kind: effect\n    text: "${'boom '.repeat(210_000)}"\n    out: a.mp3\n` }),
  },
  {
    name: 'a YAML alias bomb (billion laughs) in a spec',
    cli: true,
    files: () => ({ 'audio/bad.audio.yaml': `${BILLION_LAUGHS}assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n` }),
  },
  {
    name: 'a YAML alias bomb inside an asset',
    files: () => ({
      'audio/bad.audio.yaml': `assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    stability: [${'abcdefghi'
        .split('')
        .map((n, i, all) =>
          i === 0
            ? `&a [lol,lol,lol,lol,lol,lol,lol,lol,lol]`
            : `&${n} [${Array(9)
                .fill(`*${all[i - 1]}`)
                .join(',')}]`,
        )
        .join(', ')}]\n`,
    }),
  },
  {
    name: 'a YAML alias bomb in the config',
    files: () => ({
      'kieaudio.config.yaml': `${CONFIG}x: \n${BILLION_LAUGHS.replace(/^/gm, '  ')}`,
      'audio/ok.audio.yaml': voice('a.mp3'),
    }),
  },
  {
    name: '__proto__ in an asset',
    files: () => ({ 'audio/bad.audio.yaml': voice('a.mp3', '    __proto__: { text: "polluted", out: "../x.mp3" }\n') }),
  },
  { name: '__proto__ at the top of a spec', files: () => ({ 'audio/bad.audio.yaml': `__proto__: { assets: [] }\n${voice('a.mp3')}` }) },
  {
    name: '__proto__ in defaults',
    files: () => ({ 'audio/bad.audio.yaml': `defaults:\n  __proto__: { voice: { voice: Rachel } }\n${voice('a.mp3')}` }),
  },
  {
    name: '__proto__ in the config',
    files: () => ({ 'kieaudio.config.yaml': `${CONFIG}__proto__:\n  outDir: /tmp\n`, 'audio/ok.audio.yaml': voice('a.mp3') }),
  },
  {
    name: 'constructor/prototype keys in an asset',
    files: () => ({ 'audio/bad.audio.yaml': voice('a.mp3', '    constructor: { prototype: { polluted: true } }\n') }),
  },
  {
    name: 'wrong types everywhere in a spec',
    files: () => ({
      'audio/bad.audio.yaml': `defaults: [1, 2]
assets:
  - 42
  - kind: [voice]
    text: hi
    out: a.mp3
  - kind: voice
    text: { a: 1 }
    out: 7
    id: [x]
    stability: "high"
    speed: true
  - kind: effect
    text: boom
    loop: "yes"
    duration_seconds: "2"
    output_format: 44100
    out: b.mp3
`,
    }),
  },
  { name: 'assets is not a list', files: () => ({ 'audio/bad.audio.yaml': 'assets: "all of them"\n' }) },
  {
    name: 'wrong types everywhere in the config',
    files: () => ({
      'kieaudio.config.yaml': 'version: "1"\ninclude: 5\noutDir: [a]\nconcurrency: lots\napi: fast\ndefaults: { voice: 3 }\n',
      'audio/ok.audio.yaml': voice('a.mp3'),
    }),
  },
  {
    name: 'a key named apiKey in the config',
    cli: true,
    files: () => ({ 'kieaudio.config.yaml': `${CONFIG}apiKey: ${SECRET}\n`, 'audio/ok.audio.yaml': voice('a.mp3') }),
    secret: SECRET,
  },
  {
    name: 'a key named apiKey under api',
    files: () => ({
      'kieaudio.config.yaml': CONFIG.replace('api:\n', `api:\n  apiKey: ${SECRET}\n`),
      'audio/ok.audio.yaml': voice('a.mp3'),
    }),
    secret: SECRET,
  },
  {
    name: 'a key named apiKey in a spec',
    files: () => ({ 'audio/bad.audio.yaml': `apiKey: ${SECRET}\n${voice('a.mp3')}` }),
    secret: SECRET,
  },
  {
    name: 'a key in the base URL',
    files: () => ({
      'kieaudio.config.yaml': CONFIG.replace('api:\n', `api:\n  baseUrl: "https://user:${SECRET}@api.kie.ai"\n`),
      'audio/ok.audio.yaml': voice('a.mp3'),
    }),
    secret: SECRET,
  },
];

/** What stderr must look like: short, escaped, one whole diagnostic (or the closing count) a line. */
function expectReadableDiagnostics(expect: ExpectStatic, text: string): void {
  // the error output stays readable: no 1 MB echo of the input, and what the input says is
  // shown escaped: a raw NUL, ESC or newline from a spec must not reach the terminal (or CI log)
  expect(text.length).toBeLessThan(20_000);
  expect(JSON.stringify(text.match(/[\x00-\x09\x0b-\x1f\x7f]/g) ?? []), 'raw control characters on stderr').toBe('[]');
  for (const line of text.split('\n').filter((l) => l !== '')) {
    expect(line, 'every stderr line is a whole diagnostic or the closing count').toMatch(
      /^((audio\/\w+\.audio\.yaml|kieaudio\.config\.yaml):\d+:\d+: |\d+ errors?[;,])/,
    );
  }
}

async function setUp(c: Case, onTestFinished: Parameters<typeof resources>[0]) {
  const r = resources(onTestFinished);
  const outside = await r.dir('kieaudio-outside-');
  const dir = await r.dir();
  await writeFiles(dir, { 'kieaudio.config.yaml': CONFIG, ...c.files(outside) });
  await c.setup?.(dir, outside);
  const sim = await r.sim();
  const before = await snapshotTree(dir);
  /** nothing sent, nothing written, inside the project or outside */
  const untouched = async (expect: ExpectStatic) => {
    expect(totalRequests(sim), 'requests sent to the API').toBe(0);
    expect(await snapshotTree(dir), 'the project changed').toEqual(before);
    expect(await readdir(outside), 'something was written outside the project').toEqual([]);
  };
  return { dir, env: { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url }, untouched };
}

describe.concurrent('a malicious config or spec is refused by build(): ValidationError, nothing sent, nothing written', () => {
  for (const c of CASES) {
    it(c.name, async ({ expect, onTestFinished }) => {
      const { dir, env, untouched } = await setUp(c, onTestFinished);
      const events: string[] = [];
      const error: unknown = await build({ cwd: dir, env, onEvent: (e) => events.push(JSON.stringify(e)) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // a ValidationError is what the CLI turns into exit 2
      expect(error, `build() settled with ${String(error)}`).toBeInstanceOf(ValidationError);
      const diagnostics = (error as ValidationError).diagnostics;
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
      await untouched(expect);
      // no prototype was polluted in this process by what the YAML said
      expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined();
      expect(({} as Record<string, unknown>).outDir, 'Object.prototype polluted').toBeUndefined();

      // the diagnostics as `kieaudio build` prints them: an error names where it is, file:line:col
      const stderr = renderDiagnostics(diagnostics, false);
      expect(stderr).toMatch(/(audio\/bad\.audio\.yaml|kieaudio\.config\.yaml):\d+:\d+/);
      expectReadableDiagnostics(expect, stderr);
      if (c.secret !== undefined) {
        expect(stderr, 'the key written in YAML is in a diagnostic').not.toContain(c.secret);
        expect(JSON.stringify(diagnostics) + events.join('\n'), 'the key written in YAML is in the diagnostics or events').not.toContain(
          c.secret,
        );
      }
    });
  }
});

describe.concurrent('a malicious config or spec is refused by the CLI: exit 2, nothing sent, nothing written', { timeout: 60_000 }, () => {
  for (const c of CASES.filter((k) => k.cli)) {
    it(c.name, async ({ expect, onTestFinished }) => {
      const { dir, env, untouched } = await setUp(c, onTestFinished);
      const run = await kieaudio(dir, ['build'], env);
      expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(2);
      // an error names where it is, file:line:col
      expect(run.stderr).toMatch(/(audio\/bad\.audio\.yaml|kieaudio\.config\.yaml):\d+:\d+/);
      await untouched(expect);
      if (c.secret !== undefined) expect(run.stdout + run.stderr, 'the key written in YAML was printed back').not.toContain(c.secret);
      expectReadableDiagnostics(expect, run.stderr);
    });
  }
});
