import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  CONFIG_SCHEMA_FILE,
  configJsonSchema,
  type JsonSchema,
  MANIFEST_SCHEMA_FILE,
  manifestJsonSchema,
  SPEC_SCHEMA_FILE,
  schemaFileText,
  specJsonSchema,
} from '../../src/schema/json-schema.js';
import { validateJson } from '../helpers/mini-validator.js';

const schemasDir = new URL('../../schemas/', import.meta.url);
const fixture = (path: string) => readFile(fileURLToPath(new URL(`../fixtures/spec/basic/${path}`, import.meta.url)), 'utf8');

describe('committed schema files', () => {
  test.each([
    [CONFIG_SCHEMA_FILE, configJsonSchema],
    [SPEC_SCHEMA_FILE, specJsonSchema],
    [MANIFEST_SCHEMA_FILE, manifestJsonSchema],
  ] as const)('schemas/%s is up to date', async (file, generate) => {
    const committed = await readFile(new URL(file, schemasDir), 'utf8').catch(() => '(missing)');
    expect(committed === schemaFileText(generate()), `schemas/${file} is out of date: run npm run build && npm run schemas`).toBe(true);
  });

  test('they identify themselves and carry help for editors', () => {
    const config = configJsonSchema();
    expect(config).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://unpkg.com/kieaudio/schemas/kieaudio.config.schema.json',
      title: 'kieaudio config (kieaudio.config.yaml)',
      required: ['version'],
      additionalProperties: false,
    });
    expect(Object.keys(config).slice(0, 3)).toEqual(['$schema', '$id', 'title']);
    const text = schemaFileText(config);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "$id"');
    expect(text).toContain('KIE_API_KEY');
    expect(text).toContain('0.7 to 1.2 in steps of 0.01');
    expect(specJsonSchema()).toMatchObject({
      $id: 'https://unpkg.com/kieaudio/schemas/kieaudio.spec.schema.json',
      anyOf: [{ required: ['assets'] }, { required: ['scenes'] }],
    });
  });
});

describe('documents against the JSON Schemas', () => {
  const check = (schema: JsonSchema, yaml: string) => validateJson(schema, parse(yaml), schema);

  test('valid documents pass', async () => {
    expect(check(configJsonSchema(), await fixture('kieaudio.config.yaml'))).toEqual([]);
    expect(check(specJsonSchema(), await fixture('audio/npc/blacksmith.audio.yaml'))).toEqual([]);
    expect(check(specJsonSchema(), await fixture('audio/sfx/forge.audio.yaml'))).toEqual([]);
    expect(check(configJsonSchema(), 'version: 1\n')).toEqual([]);
    expect(check(specJsonSchema(), 'assets:\n  - { kind: voice, out: a.mp3, voice: EkK5I93UQWFDigLMpZcX, speed: null }\n')).toEqual([]);
    const dialogue = [
      'cast: { captain: { voice: Charlotte, stability: 0.45 } }',
      'lexicon: { Xyloth: ZY-loth }',
      'scenes:',
      '  - id: s',
      '    continuity: none',
      '    voice: George',
      '    lines:',
      '      - { speaker: captain, text: Hi, out: a.mp3 }',
      '      - { kind: voice, id: x, text: Ho, out: b.mp3 }',
    ].join('\n');
    expect(check(specJsonSchema(), dialogue)).toEqual([]);
    expect(check(configJsonSchema(), `version: 1\n${dialogue}`)).toEqual([]);
  });

  test('top-level x- keys (anchors) pass; text may hold tabs and line breaks', () => {
    expect(check(configJsonSchema(), 'version: 1\nx-shared: &v { voice: Rachel }\ndefaults:\n  voice: *v\n')).toEqual([]);
    const spec = 'x-voice: &v Roger\nassets:\n  - { kind: voice, voice: *v, out: a.mp3, text: "a\\tb\\r\\nc" }\n';
    expect(check(specJsonSchema(), spec)).toEqual([]);
  });

  test.each([
    ['config without version', 'include: ["a/*.yaml"]\n', 'config'],
    ['config version 2', 'version: 2\n', 'config'],
    ['an API key in the config', 'version: 1\napi: { key: sk-1 }\n', 'config'],
    ['concurrency too high', 'version: 1\nconcurrency: 1001\n', 'config'],
    ['include as a string', 'version: 1\ninclude: a/*.yaml\n', 'config'],
    ['unknown kind', 'assets:\n  - { kind: music, out: a.mp3 }\n', 'spec'],
    ['effect parameter on a voice', 'assets:\n  - { kind: voice, out: a.mp3, loop: true }\n', 'spec'],
    ['stability out of range', 'assets:\n  - { kind: voice, out: a.mp3, stability: 1.5 }\n', 'spec'],
    ['missing out', 'assets:\n  - { kind: voice, text: hi }\n', 'spec'],
    ['lower-case preset voice', 'assets:\n  - { kind: voice, out: a.mp3, voice: rachel }\n', 'spec'],
    ['unknown output_format', 'assets:\n  - { kind: effect, out: a.mp3, output_format: wav }\n', 'spec'],
    ['text over 5000 characters', `assets:\n  - { kind: voice, out: a.mp3, text: ${'x'.repeat(5001)} }\n`, 'spec'],
    ['text with a NUL', 'assets:\n  - { kind: voice, out: a.mp3, text: "a\\0b" }\n', 'spec'],
    ['a top-level key of your own without x-', 'version: 1\nX-shared: 1\n', 'config'],
    ['an x- key below the top level', 'assets:\n  - { kind: voice, out: a.mp3, x-note: hi }\n', 'spec'],
    ['neither assets nor scenes', 'cast: {}\n', 'spec'],
    ['a scene line of kind effect', 'scenes:\n  - { id: s, lines: [{ kind: effect, text: x, out: a.mp3 }] }\n', 'spec'],
    ['a scene without id', 'scenes:\n  - { lines: [] }\n', 'spec'],
    ['continuity of another name', 'scenes:\n  - { id: s, continuity: all, lines: [] }\n', 'spec'],
    ['speaker on an effect', 'assets:\n  - { kind: effect, speaker: a, out: a.mp3 }\n', 'spec'],
  ] as const)('%s is rejected', (_, yaml, which) => {
    const schema = which === 'config' ? configJsonSchema() : specJsonSchema();
    expect(check(schema, yaml).length).toBeGreaterThan(0);
  });
});
