import { describe, expect, test } from 'vitest';
import { MINIMAL_CONFIG, resolveTexts, where } from './helpers.js';

const CONFIG = MINIMAL_CONFIG;

function diagnostics(spec: string): string[] {
  const result = resolveTexts({ config: CONFIG, specs: { 'audio/s.yaml': spec } });
  return [...result.parseDiagnostics, ...result.diagnostics].map(where);
}

const scene = (
  extra: string,
  lines = '      - { text: A, out: a.mp3 }\n      - { text: B, out: b.mp3, subtitles: [vtt], timestamps: true }\n',
) => `scenes:\n  - id: s\n${extra}    lines:\n${lines}`;

describe('scene out and gap', () => {
  test('resolve to a scene file: its format from the extension, gap 0 by default, the lines in order, the subtitles they ask for', () => {
    const result = resolveTexts({ config: CONFIG, specs: { 'audio/s.yaml': scene('    out: scenes/s.ogg\n') } });
    expect(result.diagnostics).toEqual([]);
    expect(result.project?.scenes).toEqual([
      {
        id: 's',
        out: 'scenes/s.ogg',
        format: 'ogg',
        gap: 0,
        lines: [
          { id: 's.1', out: 'a.mp3' },
          { id: 's.2', out: 'b.mp3' },
        ],
        subtitles: ['vtt'],
        source: { file: 'audio/s.yaml', line: 3, col: 10 },
      },
    ]);
    // out and gap are the scene's own: not sent with its lines
    for (const asset of result.project?.assets ?? []) expect(Object.keys(asset.input)).not.toEqual(expect.arrayContaining(['gap']));
    expect(result.project?.assets.map((a) => a.out)).toEqual(['a.mp3', 'b.mp3']);
  });

  test('a scene without out asks for no scene file', () => {
    const result = resolveTexts({ config: CONFIG, specs: { 'audio/s.yaml': scene('') } });
    expect(result.project?.scenes).toBeUndefined();
  });

  test("an out that is a line's, or another asset's, is a duplicate output at the scene's out", () => {
    expect(diagnostics(scene('    out: b.mp3\n'))).toEqual(['audio/s.yaml:3:10 E_DUPLICATE_OUT [scene s] out']);
  });

  test('an extension that is not a format, and a gap out of range, are errors at their position', () => {
    expect(diagnostics(scene('    out: s.aac\n'))).toEqual(['audio/s.yaml:3:10 E_OUT_EXTENSION scenes.0.out']);
    expect(diagnostics(scene('    out: s.wav\n    gap: -1\n'))).toEqual(['audio/s.yaml:4:10 E_RANGE scenes.0.gap']);
    expect(diagnostics(scene('    out: s.wav\n    gap: 11\n'))).toEqual(['audio/s.yaml:4:10 E_RANGE scenes.0.gap']);
    expect(diagnostics(scene('    out: ../s.wav\n'))).toEqual(['audio/s.yaml:3:10 E_OUT_ESCAPES scenes.0.out']);
  });

  test("scene subtitles that would overwrite a line's are a duplicate output at the scene's out", () => {
    expect(diagnostics(scene('    out: b.ogg\n'))).toEqual(['audio/s.yaml:3:10 E_DUPLICATE_OUT [scene s] out']);
  });
});
