import { describe, expect, test } from 'vitest';
import { MINIMAL_CONFIG, ROOT, resolveTexts, where } from './helpers.js';

const messages = (r: { diagnostics: { message: string }[] }) => r.diagnostics.map((d) => d.message);

describe('the defaults chain', () => {
  test('asset > file defaults > config defaults > built-in, with null falling through', () => {
    const result = resolveTexts({
      config: [
        'version: 1',
        'defaults:',
        '  voice: { voice: Rachel, stability: 0.5, style: 0.1, speed: 1.1 }',
        '  effect: { output_format: pcm_44100, loop: true }',
      ].join('\n'),
      specs: {
        'audio/a.yaml': [
          'defaults:',
          '  voice: { voice: George, stability: null, speed: 0.9 }',
          'assets:',
          '  - { kind: voice, text: Hi, out: a.mp3, speed: null, similarity_boost: 0.8 }',
          '  - { kind: effect, text: Boom, out: b.wav }',
        ].join('\n'),
      },
    });
    expect(result.diagnostics).toEqual([]);
    const [voice, effect] = result.project?.assets ?? [];
    // stability: null in the file → the config's 0.5; speed: null on the asset → the file's 0.9
    expect(voice?.input).toEqual({ text: 'Hi', voice: 'George', stability: 0.5, similarity_boost: 0.8, style: 0.1, speed: 0.9 });
    expect(voice?.model).toBe('elevenlabs/text-to-speech-turbo-2-5');
    expect(voice?.format.name).toBe('mp3_44100_128');
    expect(effect?.input).toEqual({ text: 'Boom', loop: true, output_format: 'pcm_44100' });
    expect(effect?.format.container).toBe('wav');
  });

  test('input holds exactly what is set: output_format is not injected, format still defaults to MP3', () => {
    const result = resolveTexts({
      config: 'version: 1\n',
      specs: { 'a.yaml': 'assets:\n  - { kind: effect, text: Boom, out: boom.mp3 }\n' },
    });
    const [asset] = result.project?.assets ?? [];
    expect(asset?.input).toEqual({ text: 'Boom' });
    expect(asset?.format.name).toBe('mp3_44100_128');
    expect(asset?.model).toBe('elevenlabs/sound-effect-v2');
  });

  test('the model: asset > file defaults > config defaults > config models > built-in', () => {
    const config = [
      'version: 1',
      'models: { voice: elevenlabs/text-to-speech-multilingual-v2 }',
      'defaults:',
      '  voice: { voice: Rachel }',
      '',
    ].join('\n');
    const assets = (model: string) => `assets:\n  - { kind: voice, text: Hi, out: a.mp3${model} }\n`;
    const modelOf = (c: string, spec: string) => resolveTexts({ config: c, specs: { 'a.yaml': spec } }).project?.assets[0]?.model;
    expect(modelOf(config, assets(''))).toBe('elevenlabs/text-to-speech-multilingual-v2');
    expect(modelOf(config.replace('{ voice: Rachel }', '{ voice: Rachel, model: acme/tts-a }'), assets(''))).toBe('acme/tts-a');
    expect(modelOf(config, `defaults:\n  voice: { model: acme/tts-b }\n${assets('')}`)).toBe('acme/tts-b');
    expect(modelOf(config, assets(', model: acme/tts-c'))).toBe('acme/tts-c');
    expect(modelOf(config, assets(', model: null'))).toBe('elevenlabs/text-to-speech-multilingual-v2');
    const resolved = resolveTexts({ config, specs: {} }).project?.config;
    expect(resolved?.models).toEqual({ voice: 'elevenlabs/text-to-speech-multilingual-v2', effect: 'elevenlabs/sound-effect-v2' });
  });

  test('id defaults to the normalized out; the source names file, position and index', () => {
    const result = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: {
        'audio/a.yaml':
          'assets:\n  - kind: voice\n    text: Hi\n    out: ./npc//a.mp3\n  - { id: greet, kind: voice, text: Yo, out: b.mp3 }\n',
      },
    });
    expect(result.project?.assets.map((a) => [a.id, a.out, a.source])).toEqual([
      ['npc/a.mp3', 'npc/a.mp3', { file: 'audio/a.yaml', line: 2, col: 5, index: 0 }],
      ['greet', 'b.mp3', { file: 'audio/a.yaml', line: 5, col: 5, index: 1 }],
    ]);
  });

  test('config assets come first, then spec files in path order', () => {
    const result = resolveTexts({
      config: `${MINIMAL_CONFIG}assets:\n  - { kind: voice, text: Hi, out: config.mp3 }\n`,
      specs: {
        'audio/b.yaml': 'assets:\n  - { kind: voice, text: Hi, out: b.mp3 }\n',
        'audio/a.yaml': 'assets:\n  - { kind: voice, text: Hi, out: a.mp3 }\n',
      },
    });
    expect(result.project?.assets.map((a) => a.out)).toEqual(['config.mp3', 'a.mp3', 'b.mp3']);
    expect(result.project?.specFiles).toEqual([`${ROOT}/audio/a.yaml`, `${ROOT}/audio/b.yaml`]);
    expect(result.project?.assets[0]?.source.file).toBe('kieaudio.config.yaml');
  });

  test('the resolved config keeps the config defaults as written, nulls included', () => {
    const result = resolveTexts({ config: 'version: 1\ndefaults:\n  voice: { voice: Rachel, speed: null }\n' });
    expect(result.project?.config.defaults).toEqual({ voice: { voice: 'Rachel', speed: null }, effect: {} });
  });
});

describe('config paths and the environment', () => {
  test('paths become absolute against the config folder', () => {
    const config = resolveTexts({ config: 'version: 1\noutDir: assets/audio\n' }).project?.config;
    expect(config).toMatchObject({
      configPath: `${ROOT}/kieaudio.config.yaml`,
      rootDir: ROOT,
      include: [],
      outDir: `${ROOT}/assets/audio`,
      cacheDir: `${ROOT}/.kieaudio/cache`,
      stateDir: `${ROOT}/.kieaudio`,
      concurrency: 8,
      api: { baseUrl: 'https://api.kie.ai', rateLimit: { requests: 20, intervalSeconds: 10 } },
    });
  });

  test('KIE_API_BASE_URL and KIEAUDIO_CACHE_DIR override the file; relative paths resolve against the config folder', () => {
    const env = { KIE_API_BASE_URL: 'http://127.0.0.1:9999/kie/', KIEAUDIO_CACHE_DIR: 'tmp/cache' };
    const config = resolveTexts({ config: 'version: 1\ncacheDir: c\napi: { baseUrl: "https://example.com/" }\n', env }).project?.config;
    expect(config?.api.baseUrl).toBe('http://127.0.0.1:9999/kie');
    expect(config?.cacheDir).toBe(`${ROOT}/tmp/cache`);
    const absolute = resolveTexts({ config: 'version: 1\n', env: { KIEAUDIO_CACHE_DIR: '/var/cache/k', KIE_API_BASE_URL: '' } }).project
      ?.config;
    expect(absolute?.cacheDir).toBe('/var/cache/k');
    expect(absolute?.api.baseUrl).toBe('https://api.kie.ai');
    expect(resolveTexts({ config: 'version: 1\napi: { baseUrl: "https://example.com//" }\n' }).project?.config.api.baseUrl).toBe(
      'https://example.com',
    );
  });

  test('an invalid KIE_API_BASE_URL is a diagnostic on api.baseUrl', () => {
    const result = resolveTexts({ config: 'version: 1\napi:\n  baseUrl: https://api.kie.ai\n', env: { KIE_API_BASE_URL: 'not a url' } });
    expect(result.project).toBeUndefined();
    expect(result.diagnostics.map(where)).toEqual(['kieaudio.config.yaml:3:12 E_ENV api.baseUrl']);
    expect(messages(result)).toEqual([
      'KIE_API_BASE_URL (which overrides api.baseUrl): expected an http(s) URL without user name or password, found "not a url"',
    ]);
  });
});

describe('checks that need the whole chain', () => {
  test('a voice asset must resolve a voice', () => {
    const result = resolveTexts({
      config: 'version: 1\n',
      specs: { 'a.yaml': 'assets:\n  - kind: voice\n    text: Hi\n    out: a.mp3\n    voice: null\n' },
    });
    expect(result.diagnostics.map(where)).toEqual(['a.yaml:2:5 E_VOICE_UNPINNED [a.mp3] voice']);
    expect(result.diagnostics[0]?.message).toMatch(
      /^voice: no voice is set on this asset or in any defaults; pin one .*kie\.ai has changed its default voice before/,
    );
  });

  test('text is required somewhere in the chain', () => {
    const result = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: { 'a.yaml': 'assets:\n  - { kind: voice, out: a.mp3 }\n  - { kind: effect, out: b.mp3 }\n' },
    });
    expect(result.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'a.yaml:2:5 E_REQUIRED [a.mp3] text — missing required field "text" (the words to speak)',
      'a.yaml:3:5 E_REQUIRED [b.mp3] text — missing required field "text" (a description of the sound)',
    ]);
  });

  test('language_code is refused by multilingual v2: on the asset per asset, in defaults once', () => {
    const onAsset = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: {
        'a.yaml':
          'assets:\n  - { kind: voice, text: Hi, out: a.mp3, model: elevenlabs/text-to-speech-multilingual-v2, language_code: de }\n',
      },
    });
    expect(onAsset.diagnostics.map(where)).toEqual(['a.yaml:2:107 E_PARAM_UNSUPPORTED [a.mp3] language_code']);
    expect(onAsset.diagnostics[0]?.message).toBe(
      'language_code: not accepted by model elevenlabs/text-to-speech-multilingual-v2: kie.ai enforces language_code only on elevenlabs/text-to-speech-turbo-2-5; other models return an error; remove it or choose another model',
    );
    const inDefaults = resolveTexts({
      config:
        'version: 1\nmodels: { voice: elevenlabs/text-to-speech-multilingual-v2 }\ndefaults:\n  voice: { voice: Rachel, language_code: de }\n',
      specs: { 'a.yaml': 'assets:\n  - { kind: voice, text: Hi, out: a.mp3 }\n  - { kind: voice, text: Yo, out: b.mp3 }\n' },
    });
    expect(inDefaults.diagnostics.map(where)).toEqual([
      'kieaudio.config.yaml:4:42 E_PARAM_UNSUPPORTED [a.mp3] defaults.voice.language_code',
    ]);
    // turbo takes it
    const turbo = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: { 'a.yaml': 'assets:\n  - { kind: voice, text: Hi, out: a.mp3, language_code: de }\n' },
    });
    expect(turbo.project?.assets[0]?.input.language_code).toBe('de');
  });

  test('effect text over 450 characters is a warning, not an error', () => {
    const text = 'a'.repeat(451);
    const result = resolveTexts({
      config: 'version: 1\n',
      specs: { 'a.yaml': `assets:\n  - kind: effect\n    out: a.mp3\n    text: ${text}\n` },
    });
    expect(result.project?.assets).toHaveLength(1);
    expect(result.diagnostics.map(where)).toEqual(['a.yaml:4:11 W_EFFECT_TEXT_LONG [a.mp3] text']);
    expect(result.diagnostics[0]?.severity).toBe('warning');
    expect(result.diagnostics[0]?.message).toMatch(/^text: 451 characters; kie\.ai's backend has been seen to reject/);
    expect(result.project?.warnings).toEqual(result.diagnostics);
    const fine = resolveTexts({
      config: 'version: 1\n',
      specs: { 'a.yaml': `assets:\n  - { kind: effect, out: a.mp3, text: ${'a'.repeat(450)} }\n` },
    });
    expect(fine.diagnostics).toEqual([]);
  });

  test('unknown models are allowed with a warning where they are written, once per place', () => {
    const result = resolveTexts({
      config: 'version: 1\nmodels: { effect: acme/sfx-9 }\n',
      specs: {
        'a.yaml':
          'assets:\n  - { kind: effect, text: a, out: a.mp3 }\n  - { kind: effect, text: b, out: b.mp3 }\n  - { kind: voice, text: c, out: c.mp3, voice: Rachel, model: acme/tts }\n',
      },
    });
    expect(result.project?.assets.map((a) => a.model)).toEqual(['acme/sfx-9', 'acme/sfx-9', 'acme/tts']);
    expect(result.diagnostics.map(where)).toEqual([
      'a.yaml:4:63 W_UNKNOWN_MODEL [c.mp3] model',
      'kieaudio.config.yaml:2:19 W_UNKNOWN_MODEL [a.mp3] models.effect',
    ]);
    expect(result.diagnostics[0]?.message).toBe(
      'model: "acme/tts" is not a model kieaudio knows; it is sent as written and checked against the voice parameters (kie.ai adds models, but check the spelling)',
    );
  });

  test('out must fit the format', () => {
    const result = resolveTexts({
      config: 'version: 1\ndefaults:\n  voice: { voice: Rachel }\n  effect: { output_format: opus_48000_64 }\n',
      specs: {
        'a.yaml': [
          'assets:',
          '  - { kind: voice, text: a, out: a.wav }',
          '  - { kind: effect, text: b, out: b.mp3 }',
          '  - { kind: effect, text: c, out: c.opus }',
          '  - { kind: effect, text: d, out: d.ogg }',
          '  - { kind: effect, text: e, out: e.wav, output_format: ulaw_8000 }',
          '  - { kind: effect, text: f, out: f.wav, output_format: mp3_44100_64 }',
        ].join('\n'),
      },
    });
    expect(result.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'a.yaml:2:34 E_OUT_EXTENSION [a.wav] out — out: expected a path ending in ".mp3" because voice lines are MP3, found "a.wav"',
      'a.yaml:3:35 E_OUT_EXTENSION [b.mp3] out — out: expected a path ending in ".ogg" or ".opus" because output_format opus_48000_64 produces Opus in an Ogg file, found "b.mp3"',
      'a.yaml:7:35 E_OUT_EXTENSION [f.wav] out — out: expected a path ending in ".mp3" because output_format mp3_44100_64 produces MP3, found "f.wav"',
    ]);
  });

  test('out must stay inside outDir', () => {
    const result = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: {
        'a.yaml': [
          'assets:',
          '  - { kind: voice, text: a, out: ../a.mp3 }',
          '  - { kind: voice, text: b, out: /abs/b.mp3 }',
          '  - { kind: voice, text: c, out: "c\\\\d.mp3" }',
          '  - { kind: voice, text: d, out: "D:/d.mp3" }',
          '  - { kind: voice, text: e, out: "e\\0.mp3" }',
          '  - { kind: voice, text: f, out: x/../../f.mp3 }',
        ].join('\n'),
      },
    });
    expect(result.diagnostics.map(where)).toEqual([
      'a.yaml:2:34 E_OUT_ESCAPES [../a.mp3] out',
      'a.yaml:3:34 E_OUT_ESCAPES [/abs/b.mp3] out',
      'a.yaml:4:34 E_OUT_ESCAPES [c\\d.mp3] out',
      'a.yaml:5:34 E_OUT_ESCAPES [D:/d.mp3] out',
      'a.yaml:6:34 E_OUT_ESCAPES [e\0.mp3] out',
      'a.yaml:7:34 E_OUT_ESCAPES [x/../../f.mp3] out',
    ]);
  });
});

describe('outputs and text that work on every platform (issue 16)', () => {
  const resolveSpec = (text: string) => resolveTexts({ config: MINIMAL_CONFIG, specs: { 'a.yaml': text } });

  test('an out whose file name is only an extension gets a message that says so, not a self-contradicting one', () => {
    const result = resolveSpec(
      'assets:\n  - { kind: voice, text: a, out: v/.mp3 }\n  - { kind: effect, text: b, out: .wav, output_format: pcm_16000 }\n',
    );
    expect(result.diagnostics.map(where)).toEqual(['a.yaml:2:34 E_OUT_INVALID [v/.mp3] out', 'a.yaml:3:35 E_OUT_INVALID [.wav] out']);
    expect(result.diagnostics[0]?.message).toBe(
      'out: expected a file name before the extension, found "v/.mp3", whose file name ".mp3" is only an extension (write e.g. "v/name.mp3")',
    );
  });

  test('Windows device names in any segment, any case, with any extension, are refused where they are written', () => {
    const outs = ['CON.mp3', 'npc/aux/greet.mp3', 'nul', 'Com1.mp3', 'lpt9.take2.mp3', 'prn .mp3'];
    const result = resolveSpec(`assets:\n${outs.map((out, i) => `  - { kind: voice, text: t${i}, out: "${out}" }\n`).join('')}`);
    expect(result.diagnostics.map(where)).toEqual(outs.map((out, i) => `a.yaml:${i + 2}:35 E_OUT_INVALID [${out}] out`));
    expect(result.diagnostics[1]?.message).toBe(
      'out: expected a file path that works on every platform, found "npc/aux/greet.mp3", which contains "aux": AUX is a device name Windows reserves, with any extension (CON, PRN, AUX, NUL, COM1–9, LPT1–9)',
    );
    // names that only start like one are fine
    const fine = resolveSpec(
      'assets:\n  - { kind: voice, text: a, out: console.mp3 }\n  - { kind: voice, text: b, out: com0/auxiliary.mp3 }\n',
    );
    expect(fine.diagnostics).toEqual([]);
  });

  test('text with a NUL or another control character is refused at its position; tabs and line breaks are fine', () => {
    const result = resolveSpec(
      [
        'assets:',
        '  - { kind: voice, out: a.mp3, text: "Halt\\0who goes there" }',
        '  - { kind: effect, out: b.mp3, text: "bell\\x07" }',
        '  - { kind: voice, out: c.mp3, text: ok, next_text: "\\e[0m" }',
        '  - { kind: voice, out: d.mp3, text: "one\\tline\\r\\nand another\\n" }',
        '',
      ].join('\n'),
    );
    expect(result.parseDiagnostics.map(where)).toEqual([
      'a.yaml:2:38 E_CONTROL_CHARACTER [a.mp3] text',
      'a.yaml:3:39 E_CONTROL_CHARACTER [b.mp3] text',
      'a.yaml:4:53 E_CONTROL_CHARACTER [c.mp3] next_text',
    ]);
    expect(result.parseDiagnostics[0]?.message).toBe(
      'text: expected text without control characters (tabs and line breaks are fine), found U+0000 at character 5',
    );
    expect(result.project).toBeUndefined();
  });
});

describe('uniqueness across the project', () => {
  test('duplicate outs, compared ignoring case, point at the second and name the first', () => {
    const result = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: {
        'audio/a.yaml': 'assets:\n  - { kind: voice, text: a, out: npc/Guard.mp3 }\n',
        'audio/b.yaml': 'assets:\n  - { kind: voice, text: b, out: ./npc/guard.mp3 }\n  - { kind: voice, text: c, out: npc/Guard.mp3 }\n',
      },
    });
    expect(result.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'audio/b.yaml:2:34 E_DUPLICATE_OUT [./npc/guard.mp3] out — out: expected a unique output path, found "npc/guard.mp3", already the output of asset "npc/Guard.mp3" at audio/a.yaml:2 (outputs are compared ignoring case, as macOS and Windows file systems do)',
      'audio/b.yaml:3:34 E_DUPLICATE_OUT [npc/Guard.mp3] out — out: expected a unique output path, found "npc/Guard.mp3", already the output of asset "npc/Guard.mp3" at audio/a.yaml:2',
    ]);
  });

  test('duplicate ids, written or defaulted to out', () => {
    const result = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: {
        'a.yaml': [
          'assets:',
          '  - { id: greet, kind: voice, text: a, out: a.mp3 }',
          '  - { id: greet, kind: voice, text: b, out: b.mp3 }',
          '  - { id: c.mp3, kind: voice, text: c, out: x.mp3 }',
          '  - { kind: voice, text: d, out: c.mp3 }',
        ].join('\n'),
      },
    });
    expect(result.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'a.yaml:3:11 E_DUPLICATE_ID [greet] id — id: expected a unique id, found "greet", already the id of the asset at a.yaml:2',
      'a.yaml:5:34 E_DUPLICATE_ID [c.mp3] out — out: expected a unique id, found "c.mp3" (the id defaults to out), already the id of the asset at a.yaml:4',
    ]);
  });

  test('assets with validation errors keep their real index for the rest', () => {
    const result = resolveTexts({
      config: 'version: 1\n',
      specs: { 'a.yaml': 'assets:\n  - { kind: voice, out: a.mp3, speed: 9 }\n  - { kind: voice, out: b.mp3, text: hi }\n' },
    });
    expect(result.parseDiagnostics.map(where)).toEqual(['a.yaml:2:39 E_RANGE [a.mp3] speed']);
    expect(result.diagnostics.map(where)).toEqual(['a.yaml:3:5 E_VOICE_UNPINNED [b.mp3] voice']);
    const unnamed = resolveTexts({
      config: 'version: 1\n',
      specs: {
        'a.yaml':
          'assets:\n  - { kind: voice, out: 5 }\n  - { kind: voice, out: "", text: hi }\n  - { kind: voice, out: c.mp3, text: hi }\n',
      },
    });
    expect(unnamed.parseDiagnostics.map(where)).toEqual(['a.yaml:2:25 E_TYPE [#0] out', 'a.yaml:3:25 E_RANGE [#1] out']);
    expect(unnamed.diagnostics.map(where)).toEqual(['a.yaml:4:5 E_VOICE_UNPINNED [c.mp3] voice']);
    // no Project while any file has errors, even if the rest resolves
    expect(unnamed.project).toBeUndefined();
  });

  test('ids are compared even where out is invalid; an invalid id is left out of the id check', () => {
    const result = resolveTexts({
      config: MINIMAL_CONFIG,
      specs: {
        'a.yaml': [
          'assets:',
          '  - { id: greet, kind: voice, text: a, out: ../a.mp3 }',
          '  - { id: greet, kind: voice, text: b, out: b.mp3 }',
          '  - { id: "bad id", kind: voice, text: c, out: c.mp3 }',
          '  - { id: "bad id", kind: voice, text: d, out: d.mp3 }',
        ].join('\n'),
      },
    });
    expect(result.parseDiagnostics.map(where)).toEqual(['a.yaml:4:11 E_FORMAT [bad id] id', 'a.yaml:5:11 E_FORMAT [bad id] id']);
    expect(result.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'a.yaml:2:45 E_OUT_ESCAPES [greet] out — out: expected a relative path inside outDir, found "../a.mp3", which leaves it through ".."',
      'a.yaml:3:11 E_DUPLICATE_ID [greet] id — id: expected a unique id, found "greet", already the id of the asset at a.yaml:2',
    ]);
  });
});

describe('config assets and defaults that fail validation', () => {
  test("a config asset's out and duplicates are checked despite its other errors", () => {
    const result = resolveTexts({
      config: `${MINIMAL_CONFIG}assets:\n  - { kind: voice, text: a, out: ../a.mp3, stability: 2 }\n  - { kind: effect, text: b, out: b.wav, loop: 1 }\n`,
      specs: { 'a.yaml': 'assets:\n  - { kind: voice, text: a, out: B.wav }\n' },
    });
    expect(result.parseDiagnostics.map(where)).toEqual([
      'kieaudio.config.yaml:6:55 E_RANGE [../a.mp3] stability',
      'kieaudio.config.yaml:7:48 E_TYPE [b.wav] loop',
    ]);
    expect(result.diagnostics.map(where)).toEqual([
      'a.yaml:2:34 E_OUT_EXTENSION [B.wav] out',
      'a.yaml:2:34 E_DUPLICATE_OUT [B.wav] out',
      'kieaudio.config.yaml:6:34 E_OUT_ESCAPES [../a.mp3] out',
      'kieaudio.config.yaml:7:35 E_OUT_EXTENSION [b.wav] out',
    ]);
    expect(result.project).toBeUndefined();
  });

  test('an invalid model in models hides only what depends on the model', () => {
    const spec = 'assets:\n  - { kind: voice, text: a, out: a.mp3, language_code: de }\n  - { kind: voice, text: b, out: b.wav }\n';
    const invalid = resolveTexts({ config: `${MINIMAL_CONFIG}models: { voice: "not a slug" }\n`, specs: { 'a.yaml': spec } });
    expect(invalid.parseDiagnostics.map(where)).toEqual(['kieaudio.config.yaml:5:18 E_FORMAT models.voice']);
    expect(invalid.diagnostics.map(where)).toEqual(['a.yaml:3:34 E_OUT_EXTENSION [b.wav] out']);
    const refusing = resolveTexts({
      config: `${MINIMAL_CONFIG}models: { voice: elevenlabs/text-to-speech-multilingual-v2 }\n`,
      specs: { 'a.yaml': spec },
    });
    expect(refusing.diagnostics.map(where)).toEqual([
      'a.yaml:2:56 E_PARAM_UNSUPPORTED [a.mp3] language_code',
      'a.yaml:3:34 E_OUT_EXTENSION [b.wav] out',
    ]);
  });
});
