import { describe, expect, test } from 'vitest';
import { resolveTexts, where } from './helpers.js';

const config = (languages = '[en, de]', missing = 'warn') =>
  `version: 1\ninclude: ["audio/**/*.yaml"]\n${languages === '' ? '' : `languages: ${languages}\nlocalization: { missing: ${missing} }\n`}defaults:\n  voice: { voice: Rachel }\n`;

const BILINGUAL =
  '      - { text: { en: "Down.", de: "Runter." }, out: "{lang}/a.mp3" }\n      - { text: { en: "Low.", de: "Leise." }, out: "{lang}/b.mp3" }\n';

const scene = (out: string, lines = BILINGUAL) => `scenes:\n  - id: s\n    out: ${JSON.stringify(out)}\n    lines:\n${lines}`;

function resolve(spec: string, languages?: string, missing?: string) {
  const result = resolveTexts({ config: config(languages, missing), specs: { 'audio/s.yaml': spec } });
  return { ...result, found: [...result.parseDiagnostics, ...result.diagnostics].map(where) };
}

describe('scene files per language', () => {
  test('{lang} in a scene out makes one scene file per language, <scene>@<lang>, of that language’s lines', () => {
    const { project, found } = resolve(scene('{lang}/s.ogg'));
    expect(found).toEqual([]);
    expect(project?.scenes?.map((s) => [s.id, s.out, s.language, s.lines.map((l) => l.id)])).toEqual([
      ['s@en', 'en/s.ogg', 'en', ['s.1@en', 's.2@en']],
      ['s@de', 'de/s.ogg', 'de', ['s.1@de', 's.2@de']],
    ]);
  });

  test('a line with one output is the same line in every language’s scene file', () => {
    const lines = `${BILINGUAL}      - { text: "Hm.", out: hm.mp3 }\n`;
    const { project, found } = resolve(scene('{lang}/s.ogg', lines));
    expect(found).toEqual([]);
    expect(project?.scenes?.map((s) => s.lines.map((l) => l.out))).toEqual([
      ['en/a.mp3', 'en/b.mp3', 'hm.mp3'],
      ['de/a.mp3', 'de/b.mp3', 'hm.mp3'],
    ]);
  });

  test('with several languages, a scene out without {lang} is an error at the scene’s out that says to add it', () => {
    const { project, diagnostics } = resolve(scene('s.ogg'));
    expect(diagnostics.map(where)).toEqual(['audio/s.yaml:3:10 E_OUT_PLACEHOLDER scenes.0.out']);
    expect(diagnostics[0]?.message).toMatch(/expected \{lang\} in out: the scene's lines have 2 languages \(en, de\)/);
    expect(project).toBeUndefined();
  });

  test('plain lines in a project with languages keep one scene file, as before languages', () => {
    const lines = '      - { text: "Down.", out: a.mp3 }\n      - { text: "Low.", out: b.mp3 }\n';
    const { project, found } = resolve(scene('s.ogg', lines));
    expect(found).toEqual([]);
    expect(project?.scenes?.map((s) => [s.id, s.out, s.language])).toEqual([['s', 's.ogg', undefined]]);
  });

  test('{lang} without languages: is an error that says to add them; with one language it is that language’s file', () => {
    const lines = '      - { text: "Down.", out: a.mp3 }\n';
    const none = resolve(scene('{lang}/s.ogg', lines), '');
    expect(none.found).toEqual(['audio/s.yaml:3:10 E_NO_LANGUAGES scenes.0.out']);
    expect(none.diagnostics[0]?.message).toMatch(/expected `languages:` in the config for \{lang\} in out/);
    const one = resolve(scene('{lang}/s.ogg', lines), '[en]');
    expect(one.found).toEqual([]);
    expect(one.project?.scenes?.map((s) => [s.id, s.out])).toEqual([['s@en', 'en/s.ogg']]);
  });

  test('a language some line has no output in gets no scene file: a warning at the scene naming it and the lines', () => {
    const lines =
      '      - { text: { en: "Down.", de: "Runter." }, out: "{lang}/a.mp3" }\n      - { text: { en: "Low." }, out: "{lang}/b.mp3" }\n';
    const { project, diagnostics } = resolve(scene('{lang}/s.ogg', lines));
    expect(project?.scenes?.map((s) => s.id)).toEqual(['s@en']);
    const warning = diagnostics.find((d) => d.code === 'W_SCENE_LANGUAGE_MISSING');
    expect(warning && where(warning)).toBe('audio/s.yaml:3:10 W_SCENE_LANGUAGE_MISSING scenes.0.out');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/no de \(German\) scene file "de\/s.ogg": line 2 \(s\.2\) has no de output/);
    expect(project?.warnings.map((d) => d.code).sort()).toEqual(['W_SCENE_LANGUAGE_MISSING', 'W_TRANSLATION_MISSING']);
  });

  test('missing: source gives every line an output in every language', () => {
    const lines = '      - { text: { en: "Down." }, out: "{lang}/a.mp3" }\n';
    const { project, found } = resolve(scene('{lang}/s.ogg', lines), '[en, de]', 'source');
    expect(found).toEqual([]);
    expect(project?.scenes?.map((s) => [s.id, s.lines.map((l) => l.out)])).toEqual([
      ['s@en', ['en/a.mp3']],
      ['s@de', ['de/a.mp3']],
    ]);
  });

  test('a line with several voices stays an error at the scene’s out, saying why and what to do; so does {voice}', () => {
    const lines = '      - { text: "Down.", voices: [Rachel, George], out: "{voice}/a.mp3" }\n';
    const { diagnostics } = resolve(scene('s.ogg', lines), '');
    expect(diagnostics.map(where)).toEqual(['audio/s.yaml:3:10 E_SCENE_VARIANTS scenes.0.out']);
    expect(diagnostics[0]?.message).toMatch(/line 1 \(s\.1\) has 2 voices \(Rachel, George\): one scene file per voice .* not defined/);
    expect(diagnostics[0]?.message).toMatch(/give the line one voice, or remove the scene's out/);
    expect(resolve(scene('{voice}/s.ogg', lines), '').found).toEqual(['audio/s.yaml:3:10 E_OUT_PLACEHOLDER scenes.0.out']);
  });

  test('each language’s scene out is checked for uniqueness', () => {
    const spec = `${scene('{lang}/s.ogg')}  - id: t\n    out: de/s.ogg\n    lines:\n      - { text: { en: "Up.", de: "Hoch." }, out: "{lang}/c.mp3" }\n`;
    expect(resolve(spec).found).toContain('audio/s.yaml:8:10 E_OUT_PLACEHOLDER scenes.1.out');
    const spec2 = `${scene('{lang}/s.ogg')}  - id: t\n    out: "{lang}/s.ogg"\n    lines:\n      - { text: { en: "Up.", de: "Hoch." }, out: "{lang}/c.mp3" }\n`;
    const { diagnostics } = resolve(spec2);
    expect(diagnostics.map((d) => `${where(d)} ${/found "([^"]+)"/.exec(d.message)?.[1]}`)).toEqual([
      'audio/s.yaml:8:10 E_DUPLICATE_OUT [scene t] out en/s.ogg',
      'audio/s.yaml:8:10 E_DUPLICATE_OUT [scene t] out de/s.ogg',
    ]);
  });
});
