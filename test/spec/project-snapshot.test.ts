import { mkdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSelected } from '../../src/spec/prepare.js';
import { projectFromSnapshot, SNAPSHOT_FILE } from '../../src/spec/project-snapshot.js';
import { makeProject, tempDir } from '../helpers/project.js';

const CONFIG = 'version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
const SPEC =
  'assets:\n  - { id: a, kind: voice, text: "Alpha one.", out: a.mp3 }\n  - { id: b, kind: voice, text: "Bravo two.", out: b.mp3 }\n';

/** A project loaded once by a command that writes, so its snapshot is on disk. */
async function snapshotted(files: Record<string, string> = {}) {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': SPEC, ...files });
  await loadAndSave(dir);
  return dir;
}

async function loadAndSave(dir: string, env: Record<string, string> = {}) {
  const loaded = await loadSelected({ cwd: dir, env }, true);
  await loaded.saveParseCache();
  return loaded.project;
}

function recall(dir: string, env: Record<string, string> = {}, cwd = dir) {
  return projectFromSnapshot({ cwd, configPath: join(dir, 'kieaudio.config.yaml'), env }).then((r) => r?.project);
}

/** Rewrites a file with text of the same length and puts its mtime back, as an edit within one timestamp tick would look. */
async function sameSizeEdit(path: string, from: string, to: string) {
  const before = await stat(path);
  const text = await readFile(path, 'utf8');
  expect(to.length).toBe(from.length);
  await writeFile(path, text.replace(from, to));
  await utimes(path, before.atime, before.mtime);
}

describe('project snapshot', () => {
  it('gives back the project a full load made, spec hashes included, while nothing changed', async () => {
    const dir = await snapshotted();
    const full = await loadSelected({ cwd: dir, env: {} });
    const recalled = await recall(dir);
    expect(recalled).toBeDefined();
    expect(recalled?.assets).toEqual(full.project.assets);
    expect(recalled?.specFiles).toEqual(full.project.specFiles);
  });

  it('is not trusted after an edit of the same size with the mtime put back (ctime tells), and the next load sees the edit', async () => {
    const dir = await snapshotted();
    await sameSizeEdit(join(dir, 'audio/lines.audio.yaml'), 'Alpha one.', 'Alpha 111.');
    expect(await recall(dir)).toBeUndefined();
    const project = await loadAndSave(dir);
    expect(project.assets[0]?.input.text).toBe('Alpha 111.');
    expect((await recall(dir))?.assets[0]?.input.text).toBe('Alpha 111.');
  });

  it('is not trusted after the config changes', async () => {
    const dir = await snapshotted();
    await sameSizeEdit(join(dir, 'kieaudio.config.yaml'), 'voice: Rachel', 'voice: George');
    expect(await recall(dir)).toBeUndefined();
    expect((await loadAndSave(dir)).assets[0]?.input.voice).toBe('George');
  });

  it('is not trusted when include finds a new file or loses one', async () => {
    const dir = await snapshotted();
    await writeFile(join(dir, 'audio/more.audio.yaml'), 'assets:\n  - { id: c, kind: voice, text: "Charlie.", out: c.mp3 }\n');
    expect(await recall(dir)).toBeUndefined();
    expect((await loadAndSave(dir)).assets.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(await recall(dir)).toBeDefined();
    await rm(join(dir, 'audio/more.audio.yaml'));
    expect(await recall(dir)).toBeUndefined();
  });

  it('is not trusted under other resolution variables, another working directory, or after a touch', async () => {
    const dir = await snapshotted();
    expect(await recall(dir, { KIE_API_BASE_URL: 'http://127.0.0.1:9' })).toBeUndefined();
    expect(await recall(dir, { KIEAUDIO_CACHE_DIR: '/tmp/elsewhere' })).toBeUndefined();
    // the team cache's server, and so where its token goes
    expect(await recall(dir, { KIEAUDIO_REMOTE_CACHE_URL: 'http://127.0.0.1:9' })).toBeUndefined();
    // the key is never part of it
    expect(await recall(dir, { KIE_API_KEY: 'another' })).toBeDefined();
    expect(await recall(dir, {}, join(dir, 'audio'))).toBeUndefined();
    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, 'audio/lines.audio.yaml'), later, later);
    expect(await recall(dir)).toBeUndefined();
  });

  it('is not trusted when an output folder now leads outside outDir', async () => {
    const dir = await snapshotted({ 'audio/lines.audio.yaml': SPEC.replace('out: a.mp3', 'out: sub/a.mp3') });
    const outside = await tempDir();
    await mkdir(join(dir, 'out'), { recursive: true });
    await symlink(outside, join(dir, 'out/sub'));
    expect(await recall(dir)).toBeUndefined();
  });

  it('checks by content a file whose stat data fall within the racy window of the snapshot', async () => {
    const dir = await snapshotted();
    const path = join(dir, '.kieaudio', SNAPSHOT_FILE);
    const data = JSON.parse(await readFile(path, 'utf8'));
    const spec = data.head.inputs.find((input: { path: string }) => input.path.endsWith('lines.audio.yaml'));
    // as if the file had changed within the same tick: its stat matches, its text does not
    spec.sha256 = '0'.repeat(64);
    await writeFile(path, JSON.stringify(data));
    expect(await recall(dir)).toBeUndefined();
    // taken long after the file's last change, its stat data alone decide
    data.head.takenAt = Math.max(spec.mtimeMs, spec.ctimeMs) + 60_000;
    await writeFile(path, JSON.stringify(data));
    expect(await recall(dir)).toBeDefined();
  });

  it('is ignored when damaged or of another format version', async () => {
    const dir = await snapshotted();
    const path = join(dir, '.kieaudio', SNAPSHOT_FILE);
    const data = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...data, head: { ...data.head, v: data.head.v + 1 } }));
    expect(await recall(dir)).toBeUndefined();
    await writeFile(path, '{"v":1,"key":');
    expect(await recall(dir)).toBeUndefined();
  });

  it('is not written by commands that only read', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': SPEC });
    const loaded = await loadSelected({ cwd: dir, env: {} });
    await loaded.saveParseCache();
    await expect(stat(join(dir, '.kieaudio', SNAPSHOT_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('string tables and translations tables are inputs: kept, recalled, and an edit, addition or removal is seen', async () => {
    const config =
      'version: 1\ninclude: ["audio/*.csv"]\noutDir: out\nlanguages: [en, de]\nlocalization: { translations: ["l10n/*.csv"] }\ndefaults:\n  voice: { voice: Rachel }\n';
    const dir = await makeProject({
      'kieaudio.config.yaml': config,
      'audio/lines.csv': 'id,out,text.en,notes\na,{lang}/a.mp3,Alpha one.,calm\n',
      'l10n/de.csv': 'id,text.de\na,Alpha eins.\n',
    });
    const full = await loadAndSave(dir);
    const recalled = await recall(dir);
    expect(recalled?.strings).toEqual(full.strings);
    expect(recalled?.assets.map((a) => [a.id, a.input.text])).toEqual([
      ['a@en', 'Alpha one.'],
      ['a@de', 'Alpha eins.'],
    ]);
    await sameSizeEdit(join(dir, 'l10n/de.csv'), 'Alpha eins.', 'Alpha 1111.');
    expect(await recall(dir)).toBeUndefined();
    expect((await loadAndSave(dir)).assets[1]?.input.text).toBe('Alpha 1111.');
    await writeFile(join(dir, 'l10n/fr.csv'), 'id,text.fr\na,Alpha un.\n');
    expect(await recall(dir)).toBeUndefined();
    await loadAndSave(dir);
    await rm(join(dir, 'l10n/fr.csv'));
    expect(await recall(dir)).toBeUndefined();
  });
});
