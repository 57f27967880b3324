/**
 * The parse cache may only make loading faster: a load from it must give exactly what a fresh
 * parse gives — the same project, the same problems at the same positions.
 */
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { Project } from '../../src/project.js';
import { loadProject } from '../../src/spec/load.js';
import { carriedByJson, openParseCache, PARSE_CACHE_FILE } from '../../src/spec/parse-cache.js';
import { writeFiles } from '../helpers/files.js';
import { makeProject } from '../helpers/project.js';

const CONFIG = 'version: 1\ninclude: ["audio/*.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';

const SPECS: Record<string, string> = {
  valid:
    'assets:\n  - id: a\n    kind: voice\n    text: hi\n    out: a.mp3\n  - { kind: effect, text: boom, out: boom.mp3, duration_seconds: 2 }\n',
  'anchors and merge keys':
    'x-base: &base { kind: voice, stability: 0.4 }\nassets:\n  - { <<: *base, text: one, out: one.mp3 }\n  - { <<: *base, text: two, out: two.mp3, stability: 0.6 }\n',
  'file defaults': 'defaults:\n  voice: { speed: 1.1 }\nassets:\n  - kind: voice\n    text: hi\n    out: d.mp3\n',
  empty: '',
  'a value out of range': 'assets:\n  - kind: voice\n    text: hi\n    out: r.mp3\n    stability: 1.5\n',
  'an unknown key': 'assets:\n  - kind: voice\n    text: hi\n    out: k.mp3\n    stabilty: 0.5\n',
  'a duplicate id':
    'assets:\n  - id: x\n    kind: voice\n    text: hi\n    out: x1.mp3\n  - id: x\n    kind: voice\n    text: ho\n    out: x2.mp3\n',
  'a bad extension': 'assets:\n  - kind: effect\n    text: boom\n    output_format: pcm_16000\n    out: e.mp3\n',
  'broken YAML': 'assets:\n  - kind: voice\n    text: "unterminated\n    out: y.mp3\n',
  'a YAML warning': 'assets:\n  - kind: voice\n    text: !shout hi\n    out: w.mp3\n',
  scenes:
    'lexicon: { Xyloth: ZY-loth }\nscenes:\n  - id: s\n    lines:\n      - text: Xyloth\n        out: s1.mp3\n      - { text: two, out: s2.mp3 }\n  - id: t\n    lines:\n      -   { text: three, out: t1.mp3 }\n',
  'a bad scene line':
    'scenes:\n  - id: u\n    lines:\n      - { kind: effect, text: x, out: u1.mp3 }\n      - { text: y, out: u2.mp3, stability: 9 }\n',
};

type Outcome = { project: Project } | { diagnostics: unknown };

async function load(root: string, cached: boolean): Promise<Outcome> {
  const parseCache = cached ? await openParseCache(join(root, '.kieaudio')) : undefined;
  try {
    const project = await loadProject({ cwd: root, env: {}, ...(parseCache ? { parseCache } : {}) });
    return { project };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { diagnostics: error.diagnostics };
  } finally {
    await parseCache?.save();
  }
}

async function cacheEntries(root: string): Promise<Record<string, unknown>> {
  const data = JSON.parse(await readFile(join(root, '.kieaudio', PARSE_CACHE_FILE), 'utf8')) as { entries: Record<string, unknown> };
  return data.entries;
}

describe('parse cache', () => {
  test.each(Object.entries(SPECS))('%s: a load from the cache equals a fresh one', async (_, spec) => {
    const root = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': spec });
    const fresh = await load(root, false);
    expect(await load(root, true)).toEqual(fresh); // fills the cache
    expect(await load(root, true)).toEqual(fresh); // answers from it
  });

  test('keeps the texts YAML read cleanly, and only those', async () => {
    const root = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      ...Object.fromEntries(Object.entries(SPECS).map(([name, text], i) => [`audio/${i}-${name.replaceAll(' ', '-')}.yaml`, text])),
    });
    await load(root, true);
    // every text but the broken one and the one with a warning (the empty one is kept: it is clean)
    expect(Object.keys(await cacheEntries(root))).toHaveLength(Object.keys(SPECS).length - 2);
  });

  test('a load answers from the cache, by the hash of the text', async () => {
    const root = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': SPECS.valid ?? '' });
    await load(root, true);
    // Doctor the cached data: a load that shows the doctored text proves the YAML was not parsed.
    const path = join(root, '.kieaudio', PARSE_CACHE_FILE);
    await writeFile(path, (await readFile(path, 'utf8')).replace('"text":"hi"', '"text":"from the cache"'));
    const cached = await load(root, true);
    expect('project' in cached && cached.project.assets[0]?.input.text).toBe('from the cache');

    // An edited file has another hash: it is parsed again.
    await writeFiles(root, { 'audio/a.yaml': (SPECS.valid ?? '').replace('text: hi', 'text: edited') });
    const edited = await load(root, true);
    expect('project' in edited && edited.project.assets[0]?.input.text).toBe('edited');
  });

  test('holds nothing once saved: a long build does not keep every spec file parsed', async () => {
    const root = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': SPECS.valid ?? '' });
    await load(root, true);
    const parseCache = await openParseCache(join(root, '.kieaudio'));
    const key = parseCache.keyOf(SPECS.valid ?? '');
    expect(parseCache.get(key)).toBeDefined();
    await parseCache.save();
    expect(parseCache.get(key)).toBeUndefined();
    await parseCache.save();
    expect(Object.keys(await cacheEntries(root)), 'a second save writes nothing').toEqual([key]);
  });

  test('forgets files that are gone, and is not rewritten when nothing changed', async () => {
    const root = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/a.yaml': SPECS.valid ?? '',
      'audio/b.yaml': SPECS['file defaults'] ?? '',
    });
    await load(root, true);
    expect(Object.keys(await cacheEntries(root))).toHaveLength(2);
    const path = join(root, '.kieaudio', PARSE_CACHE_FILE);
    const past = new Date(1_700_000_000_000); // a whole second: stored exactly
    await utimes(path, past, past);
    await load(root, true);
    expect((await stat(path)).mtime).toEqual(past);

    await writeFiles(root, { 'audio/b.yaml': '' });
    await load(root, true);
    const entries = await cacheEntries(root);
    expect(Object.keys(entries)).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain('speed');
  });

  test('a damaged or foreign cache file is ignored and replaced', async () => {
    const damages: Array<(saved: { stamp: string; entries: Record<string, unknown> }) => string> = [
      (saved) => JSON.stringify(saved).slice(0, 40), // cut short
      (saved) => JSON.stringify({ ...saved, stamp: `${saved.stamp} of another yaml` }), // another parser made it
      (saved) =>
        JSON.stringify({
          stamp: saved.stamp,
          entries: Object.fromEntries(Object.keys(saved.entries).map((k) => [k, { data: 1, assets: [['a']] }])),
        }),
      (saved) =>
        JSON.stringify({ stamp: saved.stamp, entries: Object.fromEntries(Object.keys(saved.entries).map((k) => [k, { assets: [] }])) }),
    ];
    for (const damage of damages) {
      const root = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.yaml': SPECS.valid ?? '' });
      const fresh = await load(root, false);
      await load(root, true);
      const path = join(root, '.kieaudio', PARSE_CACHE_FILE);
      const saved = JSON.parse(await readFile(path, 'utf8')) as { stamp: string; entries: Record<string, unknown> };
      await writeFile(path, damage(saved));
      expect(await load(root, true)).toEqual(fresh);
      // replaced by a good one
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(saved);
    }
  });

  test('keeps only what JSON gives back exactly', () => {
    expect(carriedByJson({ a: [1, 'x', true, null, { b: 0.5 }] })).toBe(true);
    expect(carriedByJson({ a: Number.POSITIVE_INFINITY })).toBe(false);
    expect(carriedByJson([Number.NaN])).toBe(false);
    expect(carriedByJson({ a: -0 })).toBe(false);
    expect(carriedByJson({ a: undefined })).toBe(false);
    expect(carriedByJson({ a: new Date(0) })).toBe(false);
    expect(carriedByJson(new Map())).toBe(false);
  });

  test('a spec holding a value JSON cannot carry is parsed every time, with the same result', async () => {
    const root = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/a.yaml': 'assets:\n  - kind: effect\n    text: boom\n    out: b.mp3\n    duration_seconds: .inf\n',
    });
    const fresh = await load(root, false);
    expect(await load(root, true)).toEqual(fresh);
    expect(await load(root, true)).toEqual(fresh);
    await expect(stat(join(root, '.kieaudio', PARSE_CACHE_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
