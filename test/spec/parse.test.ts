import { describe, expect, test } from 'vitest';
import { INVALID } from '../../src/spec/content.js';
import { parseConfigText, parseSpecText } from '../../src/spec/parse.js';
import { where } from './helpers.js';

const spec = (text: string) => parseSpecText(text, 'audio/a.yaml');
const config = (text: string) => parseConfigText(text, 'kieaudio.config.yaml');
const one = (text: string) => {
  const { diagnostics } = spec(text);
  expect(diagnostics).toHaveLength(1);
  const [d] = diagnostics;
  if (d === undefined) throw new Error('unreachable');
  return d;
};

describe('valid files', () => {
  test('a spec with both kinds parses to its data, null meaning "not set"', () => {
    const result = spec(
      [
        'defaults:',
        '  voice: { voice: George, speed: 0.95 }',
        'assets:',
        '  - id: blacksmith.greet',
        '    kind: voice',
        '    text: "Welcome, traveler!"',
        '    out: npc/blacksmith/greet.mp3',
        '    stability: 0.4',
        '    speed: null',
        '  - kind: effect',
        '    text: Heavy hammer on an anvil',
        '    duration_seconds: 1.5',
        '    out: sfx/forge/hammer.mp3',
      ].join('\n'),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.defaults?.voice).toEqual({ voice: 'George', speed: 0.95 });
    expect(result.spec?.assets).toEqual([
      { id: 'blacksmith.greet', kind: 'voice', text: 'Welcome, traveler!', out: 'npc/blacksmith/greet.mp3', stability: 0.4, speed: null },
      { kind: 'effect', text: 'Heavy hammer on an anvil', duration_seconds: 1.5, out: 'sfx/forge/hammer.mp3' },
    ]);
  });

  test('a config gets its defaults filled in', () => {
    const result = config('version: 1\ninclude: ["audio/**/*.yaml"]\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.config).toEqual({
      version: 1,
      include: ['audio/**/*.yaml'],
      outDir: '.',
      cacheDir: '.kieaudio/cache',
      concurrency: 8,
      api: {
        baseUrl: 'https://api.kie.ai',
        rateLimit: { requests: 20, intervalSeconds: 10 },
        pollRateLimit: { requests: 10, intervalSeconds: 1 },
        requestTimeoutSeconds: 30,
        retry: { attempts: 5, initialSeconds: 0.5, maxSeconds: 30 },
        poll: { initialSeconds: 2, maxSeconds: 30, timeoutSeconds: 900, adaptive: true },
      },
      localization: { missing: 'warn', translations: [] },
    });
  });

  test('an empty spec file declares nothing; `assets:` with no items is an empty list', () => {
    expect(spec('').spec).toEqual({ assets: [] });
    expect(spec('# nothing yet\n').spec).toEqual({ assets: [] });
    expect(spec('assets:\n').spec).toEqual({ assets: [] });
  });

  test('steps tolerate binary floating point', () => {
    const { diagnostics } = spec(
      'assets:\n  - { kind: voice, out: a.mp3, speed: 0.95, stability: 0.07, style: 0.29 }\n  - { kind: effect, out: b.mp3, duration_seconds: 21.9, prompt_influence: 0.33 }\n',
    );
    expect(diagnostics).toEqual([]);
  });

  test('anchors and merge keys work within limits', () => {
    const result = spec(
      [
        'assets:',
        '  - &guard { kind: voice, out: guard/a.mp3, voice: Roger, text: Halt }',
        '  - <<: *guard',
        '    out: guard/b.mp3',
        '    text: Move along',
      ].join('\n'),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.assets?.[1]).toEqual({ kind: 'voice', out: 'guard/b.mp3', voice: 'Roger', text: 'Move along' });
  });
});

describe('top-level x- keys (issue 16)', () => {
  test('are ignored in spec files and the config, and hold anchors that assets use through aliases', () => {
    const anchored = 'x-guard: &guard { kind: voice, voice: Roger, stability: 0.3 }\nx-notes: [anything, { at: all }]\n';
    const result = spec(`${anchored}assets:\n  - <<: *guard\n    out: guard/a.mp3\n    text: Halt\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).toEqual({ assets: [{ kind: 'voice', voice: 'Roger', stability: 0.3, out: 'guard/a.mp3', text: 'Halt' }] });
    const c = config('version: 1\nx-fx: &fx { output_format: pcm_16000 }\ndefaults:\n  effect: *fx\n');
    expect(c.diagnostics).toEqual([]);
    expect(c.config?.defaults?.effect).toEqual({ output_format: 'pcm_16000' });
  });

  test('other unknown top-level keys are still errors, which say how to name a key of your own', () => {
    const d = one('X-guard: 1\nassets: []\n');
    expect(where(d)).toBe('audio/a.yaml:1:1 E_UNKNOWN_KEY X-guard');
    expect(d.message).toBe('unknown key "X-guard" (keys of your own at the top level start with "x-")');
    expect(where(one('assets:\n  - { kind: voice, out: a.mp3, voice: Rachel, text: a, x-note: b }\n'))).toBe(
      'audio/a.yaml:2:56 E_UNKNOWN_KEY [a.mp3] x-note',
    );
  });
});

describe('messages say what was expected and what was found, at the exact position', () => {
  test('number out of range', () => {
    const d = one('assets:\n  - kind: voice\n    out: a.mp3\n    stability: 1.5\n');
    expect(where(d)).toBe('audio/a.yaml:4:16 E_RANGE [a.mp3] stability');
    expect(d.message).toBe('stability: expected a number from 0 to 1 in steps of 0.01, found 1.5');
    expect(d.severity).toBe('error');
  });

  test('number off its step', () => {
    const d = one('assets:\n  - kind: effect\n    out: a.mp3\n    duration_seconds: 1.55\n');
    expect(where(d)).toBe('audio/a.yaml:4:23 E_RANGE [a.mp3] duration_seconds');
    expect(d.message).toBe('duration_seconds: expected a number from 0.5 to 22 in steps of 0.1, found 1.55');
  });

  test('speed below its range', () => {
    expect(one('assets:\n  - { kind: voice, out: a.mp3, speed: 0.5 }\n').message).toBe(
      'speed: expected a number from 0.7 to 1.2 in steps of 0.01, found 0.5',
    );
  });

  test('unknown kind, with a hint for a wrong case', () => {
    const d = one('assets:\n  - kind: music\n    out: a.mp3\n');
    expect(where(d)).toBe('audio/a.yaml:2:11 E_ENUM [a.mp3] kind');
    expect(d.message).toBe('kind: expected "voice" or "effect", found "music"');
    expect(one('assets:\n  - { kind: Voice, out: a.mp3 }\n').message).toBe(
      'kind: expected "voice" or "effect", found "Voice" (did you mean "voice"?)',
    );
  });

  test('unknown key points at the key and suggests the right one', () => {
    const d = one('assets:\n  - kind: voice\n    out: a.mp3\n    stabilty: 0.5\n');
    expect(where(d)).toBe('audio/a.yaml:4:5 E_UNKNOWN_KEY [a.mp3] stabilty');
    expect(d.message).toBe('unknown key "stabilty" (did you mean "stability"?)');
  });

  test('a parameter of the other kind says where it belongs', () => {
    expect(one('assets:\n  - { kind: voice, out: a.mp3, loop: true }\n').message).toBe(
      'unknown key "loop" ("loop" is a parameter of effect assets, and this asset is kind: voice)',
    );
    const d = one('defaults:\n  voice:\n    output_format: pcm_8000\nassets: []\n');
    expect(where(d)).toBe('audio/a.yaml:3:5 E_UNKNOWN_KEY defaults.voice.output_format');
    expect(d.message).toBe(
      'unknown key "output_format" in defaults.voice ("output_format" is a parameter of effect assets; it belongs under defaults.effect)',
    );
  });

  test('unknown keys at the top of a file and in nested config maps', () => {
    const d = one('asets: []\nassets: []\n');
    expect(where(d)).toBe('audio/a.yaml:1:1 E_UNKNOWN_KEY asets');
    expect(d.message).toBe('unknown key "asets" (did you mean "assets"?)');
    const c = config('version: 1\napi:\n  rateLimit:\n    reqests: 5\n');
    expect(c.diagnostics.map(where)).toEqual(['kieaudio.config.yaml:4:5 E_UNKNOWN_KEY api.rateLimit.reqests']);
    expect(c.diagnostics[0]?.message).toBe('unknown key "reqests" in api.rateLimit (did you mean "requests"?)');
  });

  test('the API key is never accepted from YAML, under any common name, anywhere', () => {
    const c = config('version: 1\napiKey: sk-123\napi:\n  api_key: sk-123\n  key: sk-123\ndefaults:\n  voice: { KIE_API_KEY: sk-123 }\n');
    expect(c.config).toBeUndefined();
    expect(c.diagnostics.map(where)).toEqual([
      'kieaudio.config.yaml:2:1 E_UNKNOWN_KEY apiKey',
      'kieaudio.config.yaml:4:3 E_UNKNOWN_KEY api.api_key',
      'kieaudio.config.yaml:5:3 E_UNKNOWN_KEY api.key',
      'kieaudio.config.yaml:7:12 E_UNKNOWN_KEY defaults.voice.KIE_API_KEY',
    ]);
    for (const d of c.diagnostics) {
      expect(d.message).toContain('the API key comes only from KIE_API_KEY');
      expect(d.message).not.toContain('sk-123');
    }
    const s = one('assets:\n  - { kind: voice, out: a.mp3, apiKey: sk-123 }\n');
    expect(s.message).toContain('the API key comes only from KIE_API_KEY');
  });

  test('credentials in api.baseUrl are refused without echoing them', () => {
    const c = config('version: 1\napi:\n  baseUrl: https://me:sk-123@api.kie.ai\n');
    expect(c.diagnostics.map(where)).toEqual(['kieaudio.config.yaml:3:12 E_SECRET_IN_CONFIG api.baseUrl']);
    expect(c.diagnostics[0]?.message).toContain('KIE_API_KEY');
    expect(c.diagnostics[0]?.message).not.toContain('sk-123');
  });

  test('missing required fields point at the enclosing map', () => {
    const result = spec('assets:\n  - text: hi\n    out: a.mp3\n  - kind: voice\n    text: hi\n');
    expect(result.diagnostics.map(where)).toEqual(['audio/a.yaml:2:5 E_REQUIRED [a.mp3] kind', 'audio/a.yaml:4:5 E_REQUIRED [#1] out']);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'missing required field "kind" (expected "voice" or "effect")',
      'missing required field "out" (expected the output path relative to outDir)',
    ]);
    const c = config('include: ["a/*.yaml"]\n');
    expect(c.diagnostics.map(where)).toEqual(['kieaudio.config.yaml:1:1 E_REQUIRED version']);
    expect(config('').diagnostics.map((d) => d.message)).toEqual(['missing required field "version" (expected 1)']);
    expect(one('defaults: {}\n').message).toBe('missing required field "assets" (expected a list of assets)');
  });

  test('voice names are case-sensitive and get a "did you mean"', () => {
    const d = one('assets:\n  - { kind: voice, out: a.mp3, voice: rachel }\n');
    expect(where(d)).toBe('audio/a.yaml:2:39 E_VOICE_UNKNOWN [a.mp3] voice');
    expect(d.message).toBe(
      'voice: expected a preset voice name (e.g. "Rachel") or a 20-character voice id, found "rachel" (did you mean "Rachel"? Voice names are case-sensitive.)',
    );
    expect(one('assets:\n  - { kind: voice, out: a.mp3, voice: Rachl }\n').message).toContain('(did you mean "Rachel"?)');
    expect(one('assets:\n  - { kind: voice, out: a.mp3, voice: Zorblax }\n').message).toBe(
      'voice: expected a preset voice name (e.g. "Rachel") or a 20-character voice id, found "Zorblax"',
    );
    expect(spec('assets:\n  - { kind: voice, out: a.mp3, voice: EkK5I93UQWFDigLMpZcX }\n').diagnostics).toEqual([]);
  });

  test('model slugs: shape and kind', () => {
    expect(where(one('assets:\n  - { kind: voice, out: a.mp3, model: turbo }\n'))).toBe('audio/a.yaml:2:39 E_FORMAT [a.mp3] model');
    const d = one('assets:\n  - { kind: effect, out: a.mp3, model: elevenlabs/text-to-speech-turbo-2-5 }\n');
    expect(d.code).toBe('E_MODEL_KIND');
    expect(d.message).toBe(
      'model: expected a model for sound effects such as "elevenlabs/sound-effect-v2", found "elevenlabs/text-to-speech-turbo-2-5", which makes voice lines',
    );
    expect(spec('assets:\n  - { kind: voice, out: a.mp3, model: acme/new-tts }\n').diagnostics).toEqual([]);
  });

  test('output_format outside the list suggests the nearest', () => {
    const d = one('assets:\n  - { kind: effect, out: a.mp3, output_format: mp3_44100_129 }\n');
    expect(d.code).toBe('E_ENUM');
    expect(d.message).toMatch(
      /^output_format: expected one of "mp3_22050_32", .*"opus_48000_192", found "mp3_44100_129" \(did you mean "mp3_44100_128"\?\)$/,
    );
  });

  test('ids may not contain whitespace; empty text is refused', () => {
    expect(one('assets:\n  - { id: "a b", kind: voice, out: a.mp3 }\n').message).toBe(
      'id: expected an id: a non-empty string without spaces or control characters, found "a b"',
    );
    expect(one('assets:\n  - { kind: voice, out: a.mp3, text: "  " }\n').message).toBe(
      'text: expected text of 1 to 5000 characters, found only whitespace',
    );
  });
});

describe('wrong types everywhere', () => {
  test('each wrong type is reported with what was expected', () => {
    const result = spec(
      [
        'defaults: [1, 2]', // 1
        'assets:', // 2
        '  - kind: voice', // 3
        '    out: 42', // 4
        '    speed: "0.9"', // 5
        '    timestamps: yes', // 6
        '    text: [hello]', // 7
        '  - just a string', // 8
        '  - kind: effect', // 9
        '    out: b.mp3', // 10
        '    loop: 1', // 11
        '    duration_seconds: {a: 1}', // 12
      ].join('\n'),
    );
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'audio/a.yaml:1:11 E_TYPE defaults — defaults: expected a map, found a list',
      'audio/a.yaml:4:10 E_TYPE [#0] out — out: expected a path relative to outDir, such as "npc/guard/hello.mp3", found 42',
      'audio/a.yaml:5:12 E_TYPE [#0] speed — speed: expected a number from 0.7 to 1.2 in steps of 0.01, found "0.9" (a string; write the number without quotes)',
      'audio/a.yaml:6:17 E_TYPE [#0] timestamps — timestamps: expected true or false, found "yes"',
      'audio/a.yaml:7:11 E_TYPE [#0] text — text: expected the words to speak, or a map of language codes to them (en: …, de: …), found a list',
      'audio/a.yaml:8:5 E_TYPE [#1] — expected a map describing one asset, found a string',
      'audio/a.yaml:11:11 E_TYPE [b.mp3] loop — loop: expected true or false, found 1',
      'audio/a.yaml:12:23 E_TYPE [b.mp3] duration_seconds — duration_seconds: expected a number from 0.5 to 22 in steps of 0.1, found a map',
    ]);
  });

  test('a list where a map is expected, a map where a list is, a string where a list is', () => {
    expect(spec('- a\n- b\n').diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'audio/a.yaml:1:1 E_TYPE — expected a map with an `assets` list, found a list',
    ]);
    expect(spec('assets: { kind: voice }\n').diagnostics.map((d) => d.message)).toEqual(['assets: expected a list of assets, found a map']);
    const c = config('version: "1"\ninclude: audio/*.yaml\nconcurrency: 2.5\noutDir: 3\napi: https://api.kie.ai\n');
    expect(c.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'kieaudio.config.yaml:1:10 E_ENUM version — version: expected 1 (the only config version), found "1"',
      'kieaudio.config.yaml:2:10 E_TYPE include — include: expected a list of glob patterns, found a single string (write it as ["audio/*.yaml"])',
      'kieaudio.config.yaml:3:14 E_TYPE concurrency — concurrency: expected an integer from 1 to 1000, found 2.5',
      'kieaudio.config.yaml:4:9 E_TYPE outDir — outDir: expected a folder: a non-empty path, found 3',
      'kieaudio.config.yaml:5:6 E_TYPE api — api: expected a map, found a string',
    ]);
  });

  test('config ranges', () => {
    const c = config(
      'version: 1\ninclude: []\nconcurrency: 0\napi:\n  rateLimit: { requests: 0, intervalSeconds: 0 }\n  poll: { initialSeconds: 10, maxSeconds: 5 }\n  baseUrl: ftp://example.com\n',
    );
    expect(c.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'kieaudio.config.yaml:2:10 E_RANGE include — include: expected at least one glob pattern, found an empty list',
      'kieaudio.config.yaml:3:14 E_RANGE concurrency — concurrency: expected an integer from 1 to 1000, found 0',
      'kieaudio.config.yaml:5:26 E_RANGE api.rateLimit.requests — api.rateLimit.requests: expected an integer of at least 1, found 0',
      'kieaudio.config.yaml:5:46 E_RANGE api.rateLimit.intervalSeconds — api.rateLimit.intervalSeconds: expected a number of seconds greater than 0, found 0',
      'kieaudio.config.yaml:6:43 E_RANGE api.poll.maxSeconds — api.poll.maxSeconds: expected maxSeconds (5) to be at least initialSeconds (10)',
      'kieaudio.config.yaml:7:12 E_FORMAT api.baseUrl — api.baseUrl: expected an http(s) URL, found "ftp://example.com"',
    ]);
  });

  test('a default can conflict with a written value; the message shows both', () => {
    const c = config('version: 1\napi:\n  poll:\n    initialSeconds: 100\n');
    expect(c.diagnostics.map((d) => `${where(d)} — ${d.message}`)).toEqual([
      'kieaudio.config.yaml:4:5 E_RANGE api.poll.maxSeconds — api.poll.maxSeconds: expected maxSeconds (30) to be at least initialSeconds (100)',
    ]);
  });

  test('huge text: over 5000 characters is an error that does not quote the whole text', () => {
    const text = 'x'.repeat(6012);
    const d = one(`assets:\n  - kind: voice\n    out: a.mp3\n    text: ${text}\n`);
    expect(where(d)).toBe('audio/a.yaml:4:11 E_TOO_LONG [a.mp3] text');
    expect(d.message).toBe('text: expected text of 1 to 5000 characters, found 6012 characters');
    const long = one(`assets:\n  - { kind: voice, out: a.mp3, previous_text: "${'y'.repeat(5001)}" }\n`);
    expect(long.message).toBe('previous_text: expected a string of at most 5000 characters, found 5001 characters');
    expect(spec(`assets:\n  - { kind: voice, out: a.mp3, text: "${'z'.repeat(5000)}" }\n`).diagnostics).toEqual([]);
  });
});

describe('YAML itself', () => {
  test('syntax errors become diagnostics with a position', () => {
    const result = spec('assets:\n  - kind: voice\n   out: a.mp3\n');
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.code === 'E_YAML' && d.severity === 'error')).toBe(true);
    expect(result.diagnostics.map(where)[0]).toBe('audio/a.yaml:3:1 E_YAML');
  });

  test('duplicate keys are an error at the second one', () => {
    const result = spec('assets:\n  - kind: voice\n    out: a.mp3\n    out: b.mp3\n');
    expect(result.diagnostics.map(where)).toEqual(['audio/a.yaml:4:5 E_YAML']);
    expect(result.diagnostics[0]?.message).toContain('Map keys must be unique');
  });

  test('several YAML documents in one file are an error at the second', () => {
    const result = spec('assets: []\n---\nassets: []\n');
    expect(result.diagnostics.map(where)).toEqual(['audio/a.yaml:2:1 E_YAML']);
    expect(result.diagnostics[0]?.message).toBe(
      'expected one YAML document, found a second one (a line with ---); split it into another file',
    );
  });

  test('tabs as indentation are an error', () => {
    expect(spec('assets:\n\t- kind: voice\n').diagnostics[0]?.code).toBe('E_YAML');
  });

  test('an alias bomb ("billion laughs") is refused quickly, not expanded', () => {
    const lol = Array(9).fill('"lol"').join(',');
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const lines = [`a: &a [${lol}]`];
    for (let i = 1; i < levels.length; i++) {
      const prev = levels[i - 1] ?? '';
      lines.push(`${levels[i] ?? ''}: &${levels[i] ?? ''} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    const result = spec(`${lines.join('\n')}\nassets: []\n`);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map(where)).toEqual(['audio/a.yaml:2:8 E_YAML']);
    expect(result.diagnostics[0]?.message).toMatch(/^expected YAML whose aliases expand to at most 100 nodes/);
  });

  test('__proto__ keys are unknown keys and pollute nothing', () => {
    const result = spec('__proto__: { polluted: 1 }\nassets:\n  - kind: voice\n    out: a.mp3\n    __proto__: { polluted: 2 }\n');
    expect(result.diagnostics.map(where)).toEqual([
      'audio/a.yaml:1:1 E_UNKNOWN_KEY __proto__',
      'audio/a.yaml:5:5 E_UNKNOWN_KEY [a.mp3] __proto__',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const c = config('version: 1\n__proto__: { polluted: 3 }\n');
    expect(c.diagnostics.map(where)).toEqual(['kieaudio.config.yaml:2:1 E_UNKNOWN_KEY __proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('keys that are not plain scalars fail as unknown keys, quietly', () => {
    const result = spec('? [a, b]\n: 1\nassets: []\n');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E_UNKNOWN_KEY']);
  });

  test('unresolved tags are warnings; the value is still checked', () => {
    const result = spec('assets:\n  - { kind: voice, out: !weird a.mp3 }\n');
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['W_YAML', 'warning']]);
    expect(result.spec?.assets?.[0]?.out).toBe('a.mp3');
  });
});

describe('every problem at once', () => {
  test('all issues of a file are listed, and the valid assets are kept for later checks', () => {
    const result = spec(
      [
        'assets:',
        '  - { kind: voice, out: a.mp3, stability: 2 }',
        '  - { kind: voice, out: b.mp3 }',
        '  - { kind: effect, out: c.mp3, loop: maybe, prompt_influence: -1 }',
        '  - { kind: effect, out: d.mp3 }',
      ].join('\n'),
    );
    expect(result.diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:43 E_RANGE [a.mp3] stability',
      'audio/a.yaml:4:39 E_TYPE [c.mp3] loop',
      'audio/a.yaml:4:64 E_RANGE [c.mp3] prompt_influence',
    ]);
    expect(result.spec).toBeUndefined();
    expect(result.content?.valid).toBe(false);
    expect(result.content?.assets.map((a) => [a.index, a.valid, a.label, a.values.out])).toEqual([
      [0, false, 'a.mp3', 'a.mp3'],
      [1, true, 'b.mp3', 'b.mp3'],
      [2, false, 'c.mp3', 'c.mp3'],
      [3, true, 'd.mp3', 'd.mp3'],
    ]);
    // the fields that failed are kept as INVALID (written, but unusable); the rest as parsed
    expect(result.content?.assets[0]?.values).toEqual({ kind: 'voice', out: 'a.mp3', stability: INVALID });
    expect(result.content?.assets[2]?.values).toEqual({ kind: 'effect', out: 'c.mp3', loop: INVALID, prompt_influence: INVALID });
  });

  test('a problem in defaults leaves the rest of the file to check', () => {
    const result = spec('defaults: { voice: { speed: 9, voice: Roger } }\nassets:\n  - { kind: voice, out: a.mp3 }\n');
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map(where)).toEqual(['audio/a.yaml:1:29 E_RANGE defaults.voice.speed']);
    expect(result.content?.defaults).toEqual({ voice: { values: { speed: INVALID, voice: 'Roger' }, incomplete: false } });
    expect(result.content?.assets.map((a) => [a.valid, a.values])).toEqual([[true, { kind: 'voice', out: 'a.mp3' }]]);
  });

  test('maps that may hide a field are marked incomplete: unknown keys, a wrong type, a misspelled parent', () => {
    const result = spec(
      [
        'defaults:', // 1
        '  voice: { voic: Roger }', // 2
        '  effect: 5', // 3
        'assets:', // 4
        '  - { kind: effect, out: a.wav, output_formt: pcm_44100 }', // 5
        '  - { kind: music, id: m, out: m.mp3, text: hi }', // 6
        '  - just a string', // 7
      ].join('\n'),
    );
    expect(result.diagnostics.map(where)).toEqual([
      'audio/a.yaml:2:12 E_UNKNOWN_KEY defaults.voice.voic',
      'audio/a.yaml:3:11 E_TYPE defaults.effect',
      'audio/a.yaml:5:33 E_UNKNOWN_KEY [a.wav] output_formt',
      'audio/a.yaml:6:13 E_ENUM [m] kind',
      'audio/a.yaml:7:5 E_TYPE [#2]',
    ]);
    expect(result.content?.defaults).toEqual({ voice: { values: {}, incomplete: true }, effect: { values: {}, incomplete: true } });
    expect(result.content?.assets.map((a) => [a.kind, a.values, a.incomplete, a.label])).toEqual([
      ['effect', { kind: 'effect', out: 'a.wav' }, true, 'a.wav'],
      [undefined, { id: 'm', out: 'm.mp3' }, true, 'm'],
      [undefined, {}, true, '#2'],
    ]);
    const misspelled = spec('defualts:\n  voice: { voice: Roger }\nassets: []\n');
    expect(misspelled.diagnostics.map(where)).toEqual(['audio/a.yaml:1:1 E_UNKNOWN_KEY defualts']);
    expect(misspelled.content?.defaults).toEqual({ voice: { values: {}, incomplete: true }, effect: { values: {}, incomplete: true } });
  });

  test('a config is salvaged field by field', () => {
    const c = config('version: 1\ninclude: ["a/*.yaml"]\noutDir: 5\nconcurrency: 0\nmodels: { voice: elevenlabs/sound-effect-v2 }\n');
    expect(c.config).toBeUndefined();
    expect(c.diagnostics.map(where)).toEqual([
      'kieaudio.config.yaml:3:9 E_TYPE outDir',
      'kieaudio.config.yaml:4:14 E_RANGE concurrency',
      'kieaudio.config.yaml:5:18 E_MODEL_KIND models.voice',
    ]);
    expect(c.content).toMatchObject({
      valid: false,
      include: ['a/*.yaml'],
      outDir: INVALID,
      cacheDir: '.kieaudio/cache',
      models: { values: { voice: INVALID }, incomplete: false },
      defaults: {},
      assets: [],
    });
    expect(config('version: 1\ninclude: 5\n').content?.include).toBe(INVALID);
    expect(config('- a list\n').content).toBeUndefined();
  });
});
