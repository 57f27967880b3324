/**
 * The contract's invalid-input cases at the loader level: each must yield an error at the exact
 * `file:line:col` with words a user can act on. (test/cli/cli.test.ts runs the same through the
 * binary.)
 */
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadProject } from '../../src/spec/load.js';
import { makeProject } from '../helpers/project.js';
import { expectValidationError } from './helpers.js';

const CONFIG = 'version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';

const CASES: Array<[name: string, spec: string, expected: Array<[where: string, words: RegExp]>]> = [
  [
    'a value out of range',
    'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    stability: 1.5\n',
    [['5:16', /stability.*0.*1.*1\.5/]],
  ],
  ['a wrong-case voice', 'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    voice: rachel\n', [['5:12', /Rachel/]]],
  ['an unknown key', 'assets:\n  - kind: voice\n    text: hi\n    out: a.mp3\n    stabilty: 0.5\n', [['5:5', /stabilty/]]],
  ['text over 5000 characters', `assets:\n  - kind: voice\n    text: "${'a'.repeat(5001)}"\n    out: a.mp3\n`, [['3:11', /5000/]]],
  [
    'a duplicate id and a duplicate out',
    'assets:\n  - id: x\n    kind: voice\n    text: hi\n    out: a.mp3\n  - id: x\n    kind: voice\n    text: ho\n    out: a.mp3\n',
    [
      ['6:9', /already/],
      ['9:10', /already/],
    ],
  ],
  [
    'an out that leaves outDir',
    'assets:\n  - kind: voice\n    text: hi\n    out: ../../escape.mp3\n  - kind: voice\n    text: ho\n    out: /etc/x.mp3\n',
    [
      ['4:10', /outDir/],
      ['7:10', /absolute/],
    ],
  ],
  [
    'an out extension that does not fit',
    'assets:\n  - kind: effect\n    text: boom\n    output_format: pcm_16000\n    out: boom.mp3\n',
    [['5:10', /\.wav/]],
  ],
  [
    'a wrong kind and a wrong type',
    'assets:\n  - kind: music\n    text: hi\n    out: a.mp3\n  - kind: effect\n    text: boom\n    duration_seconds: loud\n    out: b.mp3\n',
    [
      ['2:11', /voice.*effect.*music/],
      ['7:23', /number.*loud/],
    ],
  ],
  ['broken YAML', 'assets:\n  - kind: voice\n    text: "unterminated\n    out: a.mp3\n', [['', /YAML/]]],
];

describe('contract cases', () => {
  test.each(CASES)('%s', async (_, spec, expected) => {
    const root = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/bad.audio.yaml': spec });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    const lines = diagnostics.map((d) => `audio/bad.audio.yaml:${d.line}:${d.col} ${d.message}`);
    expect(diagnostics.every((d) => d.file === 'audio/bad.audio.yaml')).toBe(true);
    for (const [where, words] of expected) {
      const line = lines.find((l) => l.startsWith(`audio/bad.audio.yaml:${where}`));
      expect(line, lines.join('\n')).toBeDefined();
      expect(line).toMatch(words);
    }
    expect(diagnostics).toHaveLength(expected.length);
  });

  test('an out folder that is a symlink leading outside outDir', async () => {
    const root = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/bad.audio.yaml': 'assets:\n  - kind: voice\n    text: hi\n    out: linked/a.mp3\n',
      'outside/.keep': '',
    });
    await mkdir(join(root, 'out'));
    await symlink(join(root, 'outside'), join(root, 'out', 'linked'));
    const [d, ...rest] = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(rest).toEqual([]);
    expect(`${d?.file}:${d?.line}:${d?.col} ${d?.message}`).toMatch(/^audio\/bad\.audio\.yaml:4:10 .*symlink/);
  });

  test('an invalid config', async () => {
    const root = await makeProject({ 'kieaudio.config.yaml': 'version: 2\ninclude: []\nconcurrency: lots\n' });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.field ?? ''}`)).toEqual(['1:10 version', '2:10 include', '3:14 concurrency']);
  });

  test("the repository's example project loads without problems", async () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const project = await loadProject({ cwd: repo, env: {} });
    expect(project.warnings).toEqual([]);
    expect(project.assets.length).toBeGreaterThan(0);
  });
});
