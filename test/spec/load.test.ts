import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { KieaudioError } from '../../src/errors.js';
import { CONFIG_FILE_NAME, findConfig, loadProject } from '../../src/spec/load.js';
import { MINIMAL_CONFIG, expectValidationError, makeProject, where, writeFiles } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/spec/basic/', import.meta.url));

const voice = (out: string, extra = '') => `  - { kind: voice, text: hi, out: ${out}${extra} }\n`;

describe('findConfig', () => {
  test('walks up from the working directory', async () => {
    const root = await makeProject({ [CONFIG_FILE_NAME]: 'version: 1\n', 'a/b/c/.keep': '' });
    expect(await findConfig(join(root, 'a/b/c'))).toBe(join(root, CONFIG_FILE_NAME));
    expect(await findConfig(root)).toBe(join(root, CONFIG_FILE_NAME));
  });

  test('the nearest config wins', async () => {
    const root = await makeProject({ [CONFIG_FILE_NAME]: 'version: 1\n', [`sub/${CONFIG_FILE_NAME}`]: 'version: 1\n', 'sub/deeper/.keep': '' });
    expect(await findConfig(join(root, 'sub/deeper'))).toBe(join(root, 'sub', CONFIG_FILE_NAME));
  });

  test('--config names a file or a folder, relative to cwd', async () => {
    const root = await makeProject({ 'game/custom.yaml': 'version: 1\n', [`other/${CONFIG_FILE_NAME}`]: 'version: 1\n' });
    expect(await findConfig(root, 'game/custom.yaml')).toBe(join(root, 'game/custom.yaml'));
    expect(await findConfig(join(root, 'game'), '../other')).toBe(join(root, 'other', CONFIG_FILE_NAME));
    expect(await findConfig(root, join(root, 'game/custom.yaml'))).toBe(join(root, 'game/custom.yaml'));
  });

  test('not found: E_CONFIG_NOT_FOUND, suggesting kieaudio init', async () => {
    const root = await makeProject({ 'empty/.keep': '' });
    const error = await findConfig(join(root, 'empty')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KieaudioError);
    expect(error).toMatchObject({ code: 'E_CONFIG_NOT_FOUND' });
    expect((error as Error).message).toContain('kieaudio init');
    await expect(findConfig(root, 'missing.yaml')).rejects.toMatchObject({ code: 'E_CONFIG_NOT_FOUND' });
    await expect(findConfig(root, 'empty')).rejects.toMatchObject({ code: 'E_CONFIG_NOT_FOUND' });
  });
});

describe('loadProject', () => {
  test('loads the fixture project', async () => {
    const project = await loadProject({ cwd: FIXTURE, env: {} });
    expect(project.warnings).toEqual([]);
    expect(project.config.outDir).toBe(join(FIXTURE, 'assets/audio'));
    expect(project.specFiles).toEqual([
      join(FIXTURE, 'audio/npc/blacksmith.audio.yaml'),
      join(FIXTURE, 'audio/sfx/forge.audio.yaml'),
    ]);
    expect(project.assets.map((a) => [a.id, a.out, a.model, a.input, a.format.name, a.source])).toEqual([
      [
        'blacksmith.greet',
        'npc/blacksmith/greet.mp3',
        'elevenlabs/text-to-speech-turbo-2-5',
        { text: 'Welcome, traveler! Need a blade sharpened?', voice: 'George', stability: 0.4, speed: 0.95 },
        'mp3_44100_128',
        { file: 'audio/npc/blacksmith.audio.yaml', line: 5, col: 5, index: 0 },
      ],
      [
        'npc/blacksmith/bye.mp3',
        'npc/blacksmith/bye.mp3',
        'elevenlabs/text-to-speech-turbo-2-5',
        { text: 'Come back any time.', voice: 'George', stability: 0.5, speed: 0.95 },
        'mp3_44100_128',
        { file: 'audio/npc/blacksmith.audio.yaml', line: 10, col: 5, index: 1 },
      ],
      [
        'sfx/forge/hammer.mp3',
        'sfx/forge/hammer.mp3',
        'elevenlabs/sound-effect-v2',
        { text: 'Heavy hammer striking an anvil, bright metallic ring', duration_seconds: 1.5, output_format: 'mp3_44100_128' },
        'mp3_44100_128',
        { file: 'audio/sfx/forge.audio.yaml', line: 2, col: 5, index: 0 },
      ],
      [
        'sfx/forge/bellows.wav',
        'sfx/forge/bellows.wav',
        'elevenlabs/sound-effect-v2',
        { text: 'Bellows breathing into hot coals', loop: true, output_format: 'pcm_44100' },
        'pcm_44100',
        { file: 'audio/sfx/forge.audio.yaml', line: 6, col: 5, index: 1 },
      ],
    ]);
  });

  test('include globs skip node_modules, dot folders, the cache, the state folder and the config itself', async () => {
    const spec = (out: string) => `assets:\n${voice(out)}`;
    const root = await makeProject({
      [CONFIG_FILE_NAME]: 'version: 1\ninclude: ["**/*.yaml"]\ncacheDir: build-cache\ndefaults:\n  voice: { voice: Rachel }\n',
      'audio/b.yaml': spec('b.mp3'),
      'audio/a.yaml': spec('a.mp3'),
      'audio/deep/c.yaml': spec('c.mp3'),
      'node_modules/pkg/x.yaml': 'not: a spec',
      'audio/node_modules/y.yaml': 'not: a spec',
      '.hidden/z.yaml': 'not: a spec',
      'build-cache/index.yaml': 'not: a spec',
      '.kieaudio/journal.yaml': 'not: a spec',
    });
    const project = await loadProject({ cwd: root, env: {} });
    expect(project.specFiles).toEqual([join(root, 'audio/a.yaml'), join(root, 'audio/b.yaml'), join(root, 'audio/deep/c.yaml')]);
    expect(project.assets.map((a) => a.out)).toEqual(['a.mp3', 'b.mp3', 'c.mp3']);
  });

  test('overlapping patterns list a file once; negated patterns exclude', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG.replace('["audio/**/*.yaml"]', '["audio/*.yaml", "audio/**/*.yaml", "!audio/skip/**"]')}`,
      'audio/a.yaml': `assets:\n${voice('a.mp3')}`,
      'audio/skip/s.yaml': 'broken: [',
    });
    const project = await loadProject({ cwd: root, env: {} });
    expect(project.specFiles).toEqual([join(root, 'audio/a.yaml')]);
  });

  test('a pattern that matches nothing is a warning at that pattern', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: 'version: 1\ninclude:\n  - "audio/**/*.yaml"\n  - "sounds/**/*.yml"\ndefaults:\n  voice: { voice: Rachel }\n',
      'audio/a.yaml': `assets:\n${voice('a.mp3')}`,
    });
    const project = await loadProject({ cwd: root, env: {} });
    expect(project.warnings.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'kieaudio.config.yaml:4:5 W_INCLUDE_UNMATCHED include.1 — include pattern "sounds/**/*.yml" matches no files',
    ]);
  });

  test('every problem in every file is reported at once, sorted, with paths relative to cwd', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: MINIMAL_CONFIG,
      'audio/a.yaml': `assets:\n${voice('a.mp3', ', stability: 7')}${voice('b.mp3', ', voice: rachel')}`,
      'audio/b.yaml': `assets:\n${voice('c.wav')}`,
      'tools/.keep': '',
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: join(root, 'tools'), env: {} }));
    expect(diagnostics.map(where)).toEqual([
      '../audio/a.yaml:2:53 E_RANGE [a.mp3] stability',
      '../audio/a.yaml:3:49 E_VOICE_UNKNOWN [b.mp3] voice',
      '../audio/b.yaml:2:35 E_OUT_EXTENSION [c.wav] out',
    ]);
  });

  test('parse errors in one file and cross-file problems in others are reported together', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: MINIMAL_CONFIG,
      'audio/a.yaml': 'assets:\n  - kind: voice\n   bad indent\n',
      'audio/b.yaml': `assets:\n${voice('Same.mp3')}`,
      'audio/c.yaml': `assets:\n${voice('same.mp3')}${voice('x.mp3', ', speed: 3')}`,
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:3:1 E_YAML',
      'audio/c.yaml:2:35 E_DUPLICATE_OUT [same.mp3] out',
      'audio/c.yaml:3:49 E_RANGE [x.mp3] speed',
    ]);
    expect(diagnostics[1]?.message).toContain('already the output of asset "Same.mp3" at audio/b.yaml:2');
  });

  test('an invalid config stops before the spec files', async () => {
    const root = await makeProject({ [CONFIG_FILE_NAME]: 'version: 1\ninclude: ["audio/*.yaml"]\nconcurrency: 0\n', 'audio/a.yaml': 'junk: 1\n' });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual(['kieaudio.config.yaml:3:14 E_RANGE concurrency']);
  });

  test('--config and the environment', async () => {
    const root = await makeProject({ 'conf/main.yaml': 'version: 1\noutDir: out\napi: { baseUrl: "https://example.com" }\n' });
    const project = await loadProject({
      cwd: root,
      configPath: 'conf/main.yaml',
      env: { KIEAUDIO_CACHE_DIR: 'cache-here', KIE_API_BASE_URL: 'http://localhost:1234' },
    });
    expect(project.config.configPath).toBe(join(root, 'conf/main.yaml'));
    expect(project.config.rootDir).toBe(join(root, 'conf'));
    expect(project.config.outDir).toBe(join(root, 'conf/out'));
    expect(project.config.cacheDir).toBe(join(root, 'conf/cache-here'));
    expect(project.config.api.baseUrl).toBe('http://localhost:1234');
  });

  test('an output folder that is a symlink leading outside outDir is an error, nested folders too', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: assets\n`,
      'audio/a.yaml': `assets:\n${voice('sfx/a.mp3')}${voice('sfx/new/deeper/b.mp3')}${voice('ok/c.mp3')}${voice('inner/d.mp3')}${voice('fresh/e.mp3')}`,
      'assets/ok/.keep': '',
      'assets/real-inner/.keep': '',
      'elsewhere/.keep': '',
    });
    await symlink(join(root, 'elsewhere'), join(root, 'assets/sfx'), 'dir');
    await symlink(join(root, 'assets/real-inner'), join(root, 'assets/inner'), 'dir');
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:35 E_OUT_ESCAPES [sfx/a.mp3] out',
      'audio/a.yaml:3:35 E_OUT_ESCAPES [sfx/new/deeper/b.mp3] out',
    ]);
    expect(diagnostics[0]?.message).toBe(
      `out: expected a path inside outDir, found "sfx/a.mp3", which leaves outDir through a symlink: "sfx" leads to ${join(root, 'elsewhere')}, outside ${join(root, 'assets')}`,
    );
  });

  test('outDir itself may be a symlink; no outDir yet is fine', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: linked\n`,
      'audio/a.yaml': `assets:\n${voice('x/a.mp3')}`,
      'real-out/x/.keep': '',
    });
    await symlink(join(root, 'real-out'), join(root, 'linked'), 'dir');
    expect((await loadProject({ cwd: root, env: {} })).assets).toHaveLength(1);
    const fresh = await makeProject({ [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: not/yet\n`, 'audio/a.yaml': `assets:\n${voice('x/a.mp3')}` });
    expect((await loadProject({ cwd: fresh, env: {} })).assets).toHaveLength(1);
  });

  test('2,000 assets across 100 files', async () => {
    const files: Record<string, string> = { [CONFIG_FILE_NAME]: MINIMAL_CONFIG };
    for (let f = 0; f < 100; f++) {
      let text = 'assets:\n';
      for (let a = 0; a < 20; a++) text += voice(`f${f}/line-${a}.mp3`, `, stability: 0.${a % 10}`);
      files[`audio/part-${String(f).padStart(3, '0')}.yaml`] = text;
    }
    const root = await makeProject(files);
    await mkdir(join(root, 'f0'), { recursive: true });
    const project = await loadProject({ cwd: root, env: {} });
    expect(project.assets).toHaveLength(2000);
    expect(project.specFiles).toHaveLength(100);
    expect(new Set(project.assets.map((a) => a.id)).size).toBe(2000);
    expect(project.assets[1999]?.source).toEqual({ file: 'audio/part-099.yaml', line: 21, col: 5, index: 19 });
  });

  test('files written later are picked up by the next load (no caching between loads)', async () => {
    const root = await makeProject({ [CONFIG_FILE_NAME]: MINIMAL_CONFIG, 'audio/a.yaml': `assets:\n${voice('a.mp3')}` });
    expect((await loadProject({ cwd: root, env: {} })).assets).toHaveLength(1);
    await writeFiles(root, { 'audio/b.yaml': `assets:\n${voice('b.mp3')}` });
    expect((await loadProject({ cwd: root, env: {} })).assets).toHaveLength(2);
  });
});
