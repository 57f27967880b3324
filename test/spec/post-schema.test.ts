/**
 * The `post:` schemas (not yet part of ConfigSchema/SpecFileSchema) validated from YAML text
 * through the project's own issue mapping: codes, positions and "did you mean" hints.
 */

import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../../src/errors.js';
import { sortDiagnostics } from '../../src/spec/diagnostics.js';
import { issuesToDiagnostics, noMessage } from '../../src/spec/issues.js';
import { parseConfigText, parseSpecText } from '../../src/spec/parse.js';
import { createLocator } from '../../src/spec/position.js';
import { AssetPostSchema, PostDefaultsSchema } from '../../src/spec/post-schema.js';

/** a stand-in for a spec file: top-level post, and assets with their own */
const FileSchema = z.strictObject({
  post: PostDefaultsSchema,
  assets: z.array(z.strictObject({ id: z.string(), post: AssetPostSchema })).optional(),
});

function validate(text: string): { data?: unknown; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const data: unknown = doc.toJS();
  const result = FileSchema.safeParse(data, { error: noMessage });
  if (result.success) return { data: result.data, diagnostics: [] };
  const locate = createLocator(doc, lineCounter);
  return {
    diagnostics: sortDiagnostics(issuesToDiagnostics(result.error.issues, { file: 'a.audio.yaml', data, locate, schema: FileSchema })),
  };
}

const brief = (d: Diagnostic) => `${d.line}:${d.col} ${d.code} ${d.field ?? ''}: ${d.message}`;

describe('post schemas', () => {
  it('accept the contract example, none at every level, and null as "not set here"', () => {
    const text = `post:
  voice:  { loudness: -23, truePeak: -1, trim: { thresholdDb: -45, padMs: 20 }, format: ogg, sampleRate: 48000, channels: 1 }
  effect: { loudness: -20, truePeak: -1, fadeOutMs: 10, fadeInMs: null }
assets:
  - { id: a, post: none }
  - { id: b, post: { loudness: -18 } }
  - { id: c, post: null }
`;
    expect(validate(text).diagnostics).toEqual([]);
    expect(validate('post: none\n').diagnostics).toEqual([]);
    expect(validate('post: { voice: none, effect: { trim: {} } }\n').diagnostics).toEqual([]);
  });

  it.each([
    ['loudness: -4', 'E_POST', 'expected a number from -70 to -5 (LUFS), found -4'],
    ['loudness: -71', 'E_POST', 'expected a number from -70 to -5 (LUFS), found -71'],
    ['loudness: "-23"', 'E_POST', 'expected a number from -70 to -5 (LUFS), found "-23" (a string; write the number without quotes)'],
    ['truePeak: 0.5', 'E_POST', 'expected a number from -9 to 0 (dBTP), found 0.5'],
    ['truePeak: -10', 'E_POST', 'expected a number from -9 to 0 (dBTP), found -10'],
    ['sampleRate: 7999', 'E_POST', 'expected an integer from 8000 to 192000, found 7999'],
    ['sampleRate: 192001', 'E_POST', 'expected an integer from 8000 to 192000, found 192001'],
    ['sampleRate: 44100.5', 'E_POST', 'expected an integer from 8000 to 192000, found 44100.5'],
    ['channels: 3', 'E_POST', 'expected 1 or 2, found 3'],
    ['format: OGG', 'E_POST', 'expected "wav", "ogg", "mp3" or "flac", found "OGG" (did you mean "ogg"?)'],
    ['format: opus', 'E_POST', 'expected "wav", "ogg", "mp3" or "flac", found "opus"'],
    ['fadeOutMs: -1', 'E_POST', 'expected an integer from 0 to 10000, found -1'],
  ])('%s is out of range', (entry, code, message) => {
    const [d, ...more] = validate(`post:\n  voice: { ${entry} }\n`).diagnostics;
    expect(more).toEqual([]);
    expect(d).toMatchObject({ line: 2, col: 12 + entry.indexOf(':') + 2, code, field: `post.voice.${entry.split(':')[0]}` });
    expect(d?.message).toBe(`post.voice.${entry.split(':')[0]}: ${message}`);
  });

  it('an unknown key in a chain is reported at its position, with what was meant', () => {
    const text = 'post:\n  voice: { loudnes: -23 }\nassets:\n  - id: a\n    post: { fadeOut: 10, trim: { paddMs: 20 } }\n';
    expect(validate(text).diagnostics.map(brief)).toEqual([
      '2:12 E_POST post.voice.loudnes: unknown key "loudnes" in post.voice (did you mean "loudness"?)',
      '5:13 E_POST post.fadeOut: unknown key "fadeOut" in post (did you mean "fadeOutMs"?)',
      '5:34 E_POST post.trim.paddMs: unknown key "paddMs" in post.trim (did you mean "padMs"?)',
    ]);
    expect(validate('post:\n  speech: { loudness: -23 }\n').diagnostics.map(brief)).toEqual([
      '2:3 E_POST post.speech: unknown key "speech" in post',
    ]);
  });

  it('a word other than none is said to be one', () => {
    expect(validate('post: 5\n').diagnostics.map(brief)).toEqual([
      '1:7 E_POST post: post: expected a map with voice and/or effect chains or none, found 5',
    ]);
    expect(validate('post: nope\n').diagnostics.map(brief)).toEqual([
      '1:7 E_POST post: post: expected a map with voice and/or effect chains or none, found "nope" (did you mean "none"?)',
    ]);
    expect(validate('assets:\n  - { id: a, post: None }\n').diagnostics.map(brief)).toEqual([
      '2:20 E_POST post: post: expected a map of post-processing settings or none, found "None" (did you mean "none"?)',
    ]);
  });

  it('are part of the config, spec files and assets: every problem of a chain is E_POST', () => {
    const config = parseConfigText(
      'version: 1\ninclude: ["**/*.audio.yaml"]\npost: { voice: { loudness: -23 } }\n',
      'kieaudio.config.yaml',
    );
    expect(config.diagnostics).toEqual([]);
    const spec = parseSpecText(
      'assets:\n  - { kind: effect, text: "a heavy hammer on an anvil", out: a.mp3, post: none }\n',
      'a.audio.yaml',
    );
    expect(spec.diagnostics).toEqual([]);
  });
});
