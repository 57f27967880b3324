import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { Project } from '../../src/project.js';
import { specHashOf } from '../../src/spec/hash.js';
import { loadConfigState, loadProject } from '../../src/spec/load.js';
import { finishLoad, type LoadState } from '../../src/spec/load-state.js';
import { type SpecChanges, updateLoadState } from '../../src/spec/load-update.js';
import { makeProject } from '../helpers/project.js';

// a model kieaudio does not know: its warning sits in the config's defaults, reported once for every file's assets
const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
defaults:
  voice: { voice: Rachel, model: acme/new-voices }
cast:
  guard: { voice: George }
lexicon:
  Xyloth: ZY-loth
`;
const A = `defaults:
  voice: { speed: 1.05 }
assets:
  - { id: a.1, kind: voice, text: "Alpha one, Xyloth.", out: a/1.mp3 }
  - { id: a.2, kind: voice, speaker: guard, text: "Alpha two.", out: a/2.mp3 }
  - { kind: effect, text: "Thunder far away", out: a/thunder.mp3 }
`;
const B = `assets:
  - { id: b.1, kind: voice, text: "Bravo one.", out: b/1.mp3 }
scenes:
  - id: gate
    lines:
      - { speaker: guard, text: "Halt.", out: b/gate-1.mp3 }
      - { speaker: guard, text: "Who goes there?", out: b/gate-2.mp3 }
`;
const C = `assets:
  - { id: c.1, kind: voice, text: "Charlie one.", out: c/1.mp3 }
`;

type Outcome = { project: Project; hashes: string[] } | { diagnostics: unknown };

async function outcome(load: Promise<Project>): Promise<Outcome> {
  try {
    const project = await load;
    return { project, hashes: project.assets.map((a) => specHashOf(a)) };
  } catch (error) {
    if (error instanceof ValidationError) return { diagnostics: error.diagnostics };
    throw error;
  }
}

async function setup() {
  const dir = await makeProject({
    'kieaudio.config.yaml': CONFIG,
    'audio/a.audio.yaml': A,
    'audio/b.audio.yaml': B,
    'audio/c.audio.yaml': C,
  });
  const state = await loadConfigState({ cwd: dir, env: {} });
  return { dir, state, path: (name: string) => join(dir, 'audio', `${name}.audio.yaml`) };
}

/** Applies the edits, then checks the state brought up to date against a full load of the same files. */
async function expectSameAsFullLoad(dir: string, state: LoadState, changes: SpecChanges): Promise<LoadState> {
  const updated = await updateLoadState(state, changes);
  if (updated === undefined) throw new Error('expected an update without a full load');
  const incremental = await outcome(finishLoad(updated));
  const full = await outcome(loadProject({ cwd: dir, env: {} }));
  expect(incremental).toEqual(full);
  return updated;
}

const changed = (...paths: string[]): SpecChanges => ({ paths: new Set(paths), added: false });

describe('updating a load with changed spec files', () => {
  it('gives the project a full load gives, hashes and warnings included, after a text edit', async () => {
    const { dir, state, path } = await setup();
    await writeFile(path('a'), A.replace('Alpha two.', 'Alpha two, edited.'));
    const updated = await expectSameAsFullLoad(dir, state, changed(path('a')));
    const project = await finishLoad(updated);
    expect(project.warnings.filter((w) => w.code === 'W_UNKNOWN_MODEL')).toHaveLength(1);
    expect(project.assets.find((a) => a.id === 'a.2')?.input.text).toBe('Alpha two, edited.');
  });

  it('keeps the records (and asset objects) of files not changed, and of a save that changed nothing', async () => {
    const { dir, state, path } = await setup();
    const before = await finishLoad(state);
    await writeFile(path('b'), B);
    const updated = await expectSameAsFullLoad(dir, state, changed(path('b')));
    const after = await finishLoad(updated);
    expect(after.assets).toHaveLength(before.assets.length);
    for (const [i, asset] of after.assets.entries()) expect(asset).toBe(before.assets[i]);
  });

  it('matches a full load when assets are added to and removed from a file', async () => {
    const { dir, state, path } = await setup();
    await writeFile(path('c'), `${C}  - { id: c.2, kind: effect, text: "Rain on a tin roof", out: c/2.mp3 }\n`);
    const added = await expectSameAsFullLoad(dir, state, changed(path('c')));
    await writeFile(path('a'), A.replace(/ {2}- \{ kind: effect.*\n/, ''));
    await expectSameAsFullLoad(dir, added, changed(path('a')));
  });

  it('matches a full load when an id moves between files, and when that makes a duplicate', async () => {
    const { dir, state, path } = await setup();
    await writeFile(path('c'), `${C}  - { id: b.1, kind: voice, text: "Bravo one.", out: b/1.mp3 }\n`);
    const duplicate = await expectSameAsFullLoad(dir, state, changed(path('c')));
    expect(await outcome(finishLoad(duplicate))).toHaveProperty('diagnostics');
    await writeFile(path('b'), B.replace(/ {2}- \{ id: b\.1.*\n/, ''));
    const moved = await expectSameAsFullLoad(dir, duplicate, changed(path('b')));
    expect(await outcome(finishLoad(moved))).toHaveProperty('project');
  });

  it('matches a full load with a duplicate scene id across files, and after it is removed', async () => {
    const { dir, state, path } = await setup();
    const scene = 'scenes:\n  - id: gate\n    lines:\n      - { text: "Open up.", out: c/gate.mp3 }\n';
    await writeFile(path('a'), `${A}${scene}`);
    const duplicate = await expectSameAsFullLoad(dir, state, changed(path('a')));
    const { diagnostics } = (await outcome(finishLoad(duplicate))) as { diagnostics: { code: string }[] };
    expect(diagnostics.map((d) => d.code)).toContain('E_DUPLICATE_SCENE');
    await writeFile(path('b'), B.replace('id: gate', 'id: gate.b'));
    await expectSameAsFullLoad(dir, duplicate, changed(path('b')));
  });

  it('gives the same diagnostics for invalid YAML, and the same project once it is fixed', async () => {
    const { dir, state, path } = await setup();
    await writeFile(path('a'), `${A}  - { id: broken, kind: voice, text: "unclosed\n`);
    const broken = await expectSameAsFullLoad(dir, state, changed(path('a')));
    await writeFile(path('b'), B.replace('text: "Halt."', 'stabilty: 0.5, text: "Halt!"'));
    const both = await expectSameAsFullLoad(dir, broken, changed(path('b')));
    await writeFile(path('a'), A);
    await expectSameAsFullLoad(dir, both, changed(path('a')));
  });

  it('matches a full load when a file is deleted and another added', async () => {
    const { dir, state, path } = await setup();
    await rm(path('c'));
    await writeFile(path('d'), 'assets:\n  - { id: d.1, kind: voice, text: "Delta.", out: d/1.mp3 }\n');
    const updated = await expectSameAsFullLoad(dir, state, { paths: new Set([path('c'), path('d')]), added: true });
    expect((await finishLoad(updated)).specFiles).toEqual([path('a'), path('b'), path('d')]);
  });

  it('asks for a full load when the config, the .env or a table changed, or a pattern starts matching nothing', async () => {
    const { dir, state, path } = await setup();
    expect(await updateLoadState(state, changed(join(dir, 'kieaudio.config.yaml')))).toBeUndefined();
    expect(await updateLoadState(state, changed(join(dir, '.env')))).toBeUndefined();
    expect(await updateLoadState(state, changed(join(dir, 'audio', 'lines.csv')))).toBeUndefined();
    for (const name of ['a', 'b', 'c']) await rm(path(name));
    expect(await updateLoadState(state, { paths: new Set([path('a'), path('b'), path('c')]), added: true })).toBeUndefined();
  });
});
