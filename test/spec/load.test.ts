import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { KieaudioError } from '../../src/errors.js';
import { CONFIG_FILE_NAME, findConfig, loadProject } from '../../src/spec/load.js';
import { writeFiles } from '../helpers/files.js';
import { makeProject } from '../helpers/project.js';
import { expectValidationError, MINIMAL_CONFIG, where } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/spec/basic/', import.meta.url));

const voice = (out: string, extra = '') => `  - { kind: voice, text: hi, out: ${out}${extra} }\n`;

describe('findConfig', () => {
  test('walks up from the working directory', async () => {
    const root = await makeProject({ [CONFIG_FILE_NAME]: 'version: 1\n', 'a/b/c/.keep': '' });
    expect(await findConfig(join(root, 'a/b/c'))).toBe(join(root, CONFIG_FILE_NAME));
    expect(await findConfig(root)).toBe(join(root, CONFIG_FILE_NAME));
  });

  test('the nearest config wins', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: 'version: 1\n',
      [`sub/${CONFIG_FILE_NAME}`]: 'version: 1\n',
      'sub/deeper/.keep': '',
    });
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
    expect(project.specFiles).toEqual([join(FIXTURE, 'audio/npc/blacksmith.audio.yaml'), join(FIXTURE, 'audio/sfx/forge.audio.yaml')]);
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

  test('an invalid config still has its spec files checked, and all problems are reported together', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}concurrency: 0\napi: { rateLimit: { requests: 0 } }\n`,
      'audio/a.yaml': `assets:\n${voice('a.mp3', ', stability: 7')}${voice('../x.mp3')}`,
      'audio/b.yaml': 'junk: 1\n',
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:53 E_RANGE [a.mp3] stability',
      'audio/a.yaml:3:35 E_OUT_ESCAPES [../x.mp3] out',
      'audio/b.yaml:1:1 E_UNKNOWN_KEY junk',
      'audio/b.yaml:1:1 E_REQUIRED assets',
      'kieaudio.config.yaml:5:14 E_RANGE concurrency',
      'kieaudio.config.yaml:6:31 E_RANGE api.rateLimit.requests',
    ]);
  });

  test('the spec files are not searched when what finds them is invalid', async () => {
    const files = { 'audio/a.yaml': `assets:\n${voice('../x.mp3')}` };
    const badInclude = await makeProject({ [CONFIG_FILE_NAME]: 'version: 1\ninclude: audio/*.yaml\nconcurrency: 0\n', ...files });
    expect((await expectValidationError(loadProject({ cwd: badInclude, env: {} }))).map(where)).toEqual([
      'kieaudio.config.yaml:2:10 E_TYPE include',
      'kieaudio.config.yaml:3:14 E_RANGE concurrency',
    ]);
    // the cache folder is left out of the search, so a bad cacheDir stops it too, unless the environment overrides it
    const badCache = await makeProject({ [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}cacheDir: ""\n`, ...files });
    expect((await expectValidationError(loadProject({ cwd: badCache, env: {} }))).map(where)).toEqual([
      'kieaudio.config.yaml:5:11 E_RANGE cacheDir',
    ]);
    expect((await expectValidationError(loadProject({ cwd: badCache, env: { KIEAUDIO_CACHE_DIR: 'c' } }))).map(where)).toEqual([
      'audio/a.yaml:2:35 E_OUT_ESCAPES [../x.mp3] out',
      'kieaudio.config.yaml:5:11 E_RANGE cacheDir',
    ]);
  });

  test('bad config defaults are reported once, at the config; the assets are checked against the valid ones', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: [
        'version: 1', // 1
        'include: ["audio/*.yaml"]', // 2
        'defaults:', // 3
        '  voice: { voice: rachel, speed: 9 }', // 4
        '  effect: { output_format: pcm_44100, duration_seconds: 99 }', // 5
        'models: { voice: elevenlabs/sound-effect-v2 }', // 6
        'concurrency: 0', // 7
        '',
      ].join('\n'),
      'audio/a.yaml': [
        'assets:', // 1
        '  - { kind: voice, text: hi, out: a.mp3 }', // 2: inherits the bad voice, speed and model: nothing more to say
        '  - { kind: voice, text: hi, out: b.wav }', // 3
        '  - { kind: effect, text: boom, out: c.mp3 }', // 4: the valid output_format still applies
        '  - { kind: effect, text: boom, out: d.wav, output_format: mp3_44100_64 }', // 5
        '  - { kind: voice, text: hi, out: ../e.mp3 }', // 6
        '',
      ].join('\n'),
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:3:35 E_OUT_EXTENSION [b.wav] out',
      'audio/a.yaml:4:38 E_OUT_EXTENSION [c.mp3] out',
      'audio/a.yaml:5:38 E_OUT_EXTENSION [d.wav] out',
      'audio/a.yaml:6:35 E_OUT_ESCAPES [../e.mp3] out',
      'kieaudio.config.yaml:4:19 E_VOICE_UNKNOWN defaults.voice.voice',
      'kieaudio.config.yaml:4:34 E_RANGE defaults.voice.speed',
      'kieaudio.config.yaml:5:57 E_RANGE defaults.effect.duration_seconds',
      'kieaudio.config.yaml:6:18 E_MODEL_KIND models.voice',
      'kieaudio.config.yaml:7:14 E_RANGE concurrency',
    ]);
    expect(diagnostics[1]?.message).toBe(
      'out: expected a path ending in ".wav" because output_format pcm_44100 produces a WAV file (raw samples are wrapped in a WAV header), found "c.mp3"',
    );
  });

  test('a misspelled config key hides nothing it might have meant: no unpinned voice for every asset', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: 'version: 1\ninclude: ["audio/*.yaml"]\ndefualts:\n  voice: { voice: Rachel }\n',
      'audio/a.yaml': `assets:\n${voice('a.mp3')}${voice('b.wav')}`,
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:3:35 E_OUT_EXTENSION [b.wav] out',
      'kieaudio.config.yaml:3:1 E_UNKNOWN_KEY defualts',
    ]);
  });

  test("an error in a file's defaults does not hide the problems of its assets", async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: MINIMAL_CONFIG,
      'audio/a.yaml': [
        'defaults:', // 1
        '  voice: { voice: rachel, speed: 9 }', // 2
        '  effect: { loop: maybe }', // 3
        'assets:', // 4
        '  - { kind: voice, text: hi, out: ../x.mp3 }', // 5
        '  - { kind: voice, text: hi, out: a.mp3 }', // 6
        '  - { kind: voice, text: hi, out: A.mp3 }', // 7
        '  - { kind: voice, text: hi, out: b.wav }', // 8
        '  - { kind: effect, out: c.wav }', // 9
        '  - { kind: voice, out: d.mp3, style: 0.5 }', // 10
        '',
      ].join('\n'),
      'audio/b.yaml': `assets:\n${voice('a.mp3')}`,
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:19 E_VOICE_UNKNOWN defaults.voice.voice',
      'audio/a.yaml:2:34 E_RANGE defaults.voice.speed',
      'audio/a.yaml:3:19 E_TYPE defaults.effect.loop',
      'audio/a.yaml:5:35 E_OUT_ESCAPES [../x.mp3] out',
      'audio/a.yaml:7:35 E_DUPLICATE_OUT [A.mp3] out',
      'audio/a.yaml:8:35 E_OUT_EXTENSION [b.wav] out',
      'audio/a.yaml:9:5 E_REQUIRED [c.wav] text',
      'audio/a.yaml:9:26 E_OUT_EXTENSION [c.wav] out',
      'audio/a.yaml:10:5 E_REQUIRED [d.mp3] text',
      'audio/b.yaml:2:35 E_DUPLICATE_OUT [a.mp3] out',
    ]);
  });

  test("an error in an asset's own fields does not hide its out, extension and duplicate checks", async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: MINIMAL_CONFIG,
      'audio/a.yaml': [
        'assets:', // 1
        '  - { kind: voice, text: hi, out: ../x.mp3, stability: 2 }', // 2
        '  - { kind: effect, text: boom, out: a.wav, duration_seconds: 30 }', // 3
        '  - { kind: effect, text: boom, out: b.mp3, output_format: pcm_44100, loop: 3 }', // 4
        '  - { kind: effect, text: boom, out: c.mp3, output_format: pcm_4410 }', // 5: format unknown, no extension check
        '  - { kind: effect, text: boom, out: d.wav, output_formt: pcm_44100 }', // 6: may be meant as output_format
        '  - { kind: voice, text: hi, out: e.mp3, speed: 5 }', // 7
        '  - { kind: voice, text: hi, out: E.mp3, stability: 2 }', // 8
        '  - { id: same, kind: voice, text: hi, out: f.mp3 }', // 9
        '  - { id: same, kind: music, out: g.mp3 }', // 10
        '  - { kind: music, out: "x/h?.mp3" }', // 11
        '  - { kind: voice, text: hi, out: "", style: 3 }', // 12
        '',
      ].join('\n'),
    });
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:35 E_OUT_ESCAPES [../x.mp3] out',
      'audio/a.yaml:2:56 E_RANGE [../x.mp3] stability',
      'audio/a.yaml:3:38 E_OUT_EXTENSION [a.wav] out',
      'audio/a.yaml:3:63 E_RANGE [a.wav] duration_seconds',
      'audio/a.yaml:4:38 E_OUT_EXTENSION [b.mp3] out',
      'audio/a.yaml:4:77 E_TYPE [b.mp3] loop',
      'audio/a.yaml:5:60 E_ENUM [c.mp3] output_format',
      'audio/a.yaml:6:45 E_UNKNOWN_KEY [d.wav] output_formt',
      'audio/a.yaml:7:49 E_RANGE [e.mp3] speed',
      'audio/a.yaml:8:35 E_DUPLICATE_OUT [E.mp3] out',
      'audio/a.yaml:8:53 E_RANGE [E.mp3] stability',
      'audio/a.yaml:10:11 E_DUPLICATE_ID [same] id',
      'audio/a.yaml:10:23 E_ENUM [same] kind',
      'audio/a.yaml:11:13 E_ENUM [x/h?.mp3] kind',
      'audio/a.yaml:11:25 E_OUT_INVALID [x/h?.mp3] out',
      'audio/a.yaml:12:35 E_RANGE [#10] out',
      'audio/a.yaml:12:46 E_RANGE [#10] style',
    ]);
    expect(diagnostics.find((d) => d.code === 'E_DUPLICATE_OUT')?.message).toBe(
      'out: expected a unique output path, found "E.mp3", already the output of asset "e.mp3" at audio/a.yaml:7 (outputs are compared ignoring case, as macOS and Windows file systems do)',
    );
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

  test("a scene file's folder that is a symlink leading outside outDir is an error at the scene's out", async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: assets\n`,
      'audio/a.yaml': [
        'scenes:',
        '  - id: s',
        '    out: joined/s.mp3',
        '    lines:',
        '      - { voice: Rachel, text: "One.", out: ok/1.mp3 }',
        '',
      ].join('\n'),
      'assets/ok/.keep': '',
      'elsewhere/.keep': '',
    });
    await symlink(join(root, 'elsewhere'), join(root, 'assets/joined'), 'dir');
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual(['audio/a.yaml:3:10 E_OUT_ESCAPES [scene s] out']);
  });

  test('a symlinked output folder is reported alongside every other problem', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: assets\nconcurrency: 0\n`,
      'audio/a.yaml': [
        'defaults:',
        '  voice: { speed: 9 }',
        'assets:',
        `${voice('sfx/a.mp3', ', stability: 2')}${voice('sfx/b.mp3')}${voice('ok/c.mp3', ', style: 5')}`,
      ].join('\n'),
      'assets/ok/.keep': '',
      'elsewhere/.keep': '',
    });
    await symlink(join(root, 'elsewhere'), join(root, 'assets/sfx'), 'dir');
    const diagnostics = await expectValidationError(loadProject({ cwd: root, env: {} }));
    expect(diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:19 E_RANGE defaults.voice.speed',
      'audio/a.yaml:4:35 E_OUT_ESCAPES [sfx/a.mp3] out',
      'audio/a.yaml:4:57 E_RANGE [sfx/a.mp3] stability',
      'audio/a.yaml:5:35 E_OUT_ESCAPES [sfx/b.mp3] out',
      'audio/a.yaml:6:52 E_RANGE [ok/c.mp3] style',
      'kieaudio.config.yaml:6:14 E_RANGE concurrency',
    ]);
    expect(diagnostics[1]?.message).toContain(`which leaves outDir through a symlink: "sfx" leads to ${join(root, 'elsewhere')}`);
  });

  test('outDir itself may be a symlink; no outDir yet is fine', async () => {
    const root = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: linked\n`,
      'audio/a.yaml': `assets:\n${voice('x/a.mp3')}`,
      'real-out/x/.keep': '',
    });
    await symlink(join(root, 'real-out'), join(root, 'linked'), 'dir');
    expect((await loadProject({ cwd: root, env: {} })).assets).toHaveLength(1);
    const fresh = await makeProject({
      [CONFIG_FILE_NAME]: `${MINIMAL_CONFIG}outDir: not/yet\n`,
      'audio/a.yaml': `assets:\n${voice('x/a.mp3')}`,
    });
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
