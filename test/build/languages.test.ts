/**
 * Languages and voice matrices end to end: real builds against the simulator over HTTP. Each
 * output of a line has its own spec (what is sent is what is hashed), so a new language costs only
 * its outputs, and an edit of one language's text regenerates only that language.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, plan } from '../../src/index.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const MULTILINGUAL = 'elevenlabs/text-to-speech-multilingual-v2';

function config(languages: string, extra = ''): string {
  return `version: 1\ninclude: ["audio/**/*.audio.yaml"]\noutDir: out\n${FAST_API}languages: ${languages}\n${extra}defaults:\n  voice: { voice: Rachel }\n`;
}

/** Two lines × two voices, in English and German, and in French when `fr` is true. */
const matrix = (fr = false) => `assets:
  - id: ui.ok
    kind: voice
    voices: [Rachel, George]
    text: { en: "Confirmed.", de: "Bestätigt."${fr ? ', fr: "Confirmé."' : ''} }
    out: "{lang}/ui/{voice}/ok.mp3"
  - id: ui.back
    kind: voice
    model: ${MULTILINGUAL}
    voices: [Rachel, George]
    text: { en: "Back.", de: "Zurück."${fr ? ', fr: "Retour."' : ''} }
    out: "{lang}/ui/{voice}/back.mp3"
`;

const generated = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'generated' ? [e.asset] : [])).sort();
const sent = (sim: Awaited<ReturnType<typeof simulator>>) =>
  sim
    .stats()
    .created.map((t) => `${t.input.text}|${t.input.voice}|${t.input.language_code ?? '-'}`)
    .sort();

describe('languages × voices', () => {
  it('makes one output per pair with language_code as each model takes it; adding a language generates only it', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config('[en, de]'), 'audio/ui.audio.yaml': matrix() });
    const sim = await simulator();
    const env = simEnv(sim);
    const first = await runBuild(dir, env);
    expect(first.failures).toEqual([]);
    expect(generated(first.events)).toEqual([
      'ui.back@de@George',
      'ui.back@de@Rachel',
      'ui.back@en@George',
      'ui.back@en@Rachel',
      'ui.ok@de@George',
      'ui.ok@de@Rachel',
      'ui.ok@en@George',
      'ui.ok@en@Rachel',
    ]);
    // turbo 2.5 is told the language; multilingual v2 rejects language_code, so it is sent none
    expect(sent(sim)).toEqual([
      'Back.|George|-',
      'Back.|Rachel|-',
      'Bestätigt.|George|de',
      'Bestätigt.|Rachel|de',
      'Confirmed.|George|en',
      'Confirmed.|Rachel|en',
      'Zurück.|George|-',
      'Zurück.|Rachel|-',
    ]);

    await writeFile(join(dir, 'kieaudio.config.yaml'), config('[en, de, fr]'));
    await writeFile(join(dir, 'audio/ui.audio.yaml'), matrix(true));
    const second = await runBuild(dir, env);
    expect(generated(second.events)).toEqual(['ui.back@fr@George', 'ui.back@fr@Rachel', 'ui.ok@fr@George', 'ui.ok@fr@Rachel']);
    expect(second.summary).toMatchObject({ generated: 4, upToDate: 8 });
    expect(sent(sim).filter((s) => s.includes('Confirmé') || s.includes('Retour'))).toEqual([
      'Confirmé.|George|fr',
      'Confirmé.|Rachel|fr',
      'Retour.|George|-',
      'Retour.|Rachel|-',
    ]);
  });
});

const LINE = (en: string, de: string) => `scenes:
  - id: inn
    lines:
      - { id: inn.greet, text: { en: ${JSON.stringify(en)}, de: ${JSON.stringify(de)} }, out: "{lang}/inn/greet.mp3" }
      - { id: inn.bye, text: { en: "Farewell.", de: "Lebewohl." }, out: "{lang}/inn/bye.mp3" }
`;

describe('editing one language', () => {
  it('an edit of the source text regenerates the source output (and its neighbour in that language) only; a translation edit regenerates only the translation', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config('[en, de]'), 'audio/inn.audio.yaml': LINE('Welcome.', 'Willkommen.') });
    const sim = await simulator();
    const env = simEnv(sim);
    expect((await runBuild(dir, env)).summary.generated).toBe(4);

    await writeFile(join(dir, 'audio/inn.audio.yaml'), LINE('Welcome, traveler.', 'Willkommen.'));
    const planned = await plan({ cwd: dir, env });
    const reasons = Object.fromEntries(planned.plan.items.filter((i) => i.action.type !== 'up-to-date').map((i) => [i.asset.id, i.reason]));
    expect(reasons).toEqual({ 'inn.greet@en': 'text changed', 'inn.bye@en': "previous line's text changed" });
    const second = await runBuild(dir, env);
    expect(generated(second.events)).toEqual(['inn.bye@en', 'inn.greet@en']);

    await writeFile(join(dir, 'audio/inn.audio.yaml'), LINE('Welcome, traveler.', 'Willkommen, Reisender.'));
    const third = await runBuild(dir, env);
    expect(generated(third.events)).toEqual(['inn.bye@de', 'inn.greet@de']);
  });
});

describe('localization.missing and bad input', () => {
  const plainLine = 'assets:\n  - { id: hint, kind: voice, text: "Press start.", out: "{lang}/hint.mp3" }\n';

  it('warn: the language without text is skipped with a warning and the build exits clean', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config('[en, de]'), 'audio/a.audio.yaml': plainLine });
    const sim = await simulator();
    const result = await runBuild(dir, simEnv(sim));
    expect(result.failures).toEqual([]);
    expect(generated(result.events)).toEqual(['hint@en']);
    const warnings = result.project.warnings.map((w) => `${w.code} ${w.message}`);
    expect(warnings).toEqual([expect.stringMatching(/^W_TRANSLATION_MISSING .*hint@de is skipped/)]);
  });

  it('error: exit 2 material with the position, and nothing is sent', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': config('[en, de]', 'localization: { missing: error }\n'),
      'audio/a.audio.yaml': plainLine,
    });
    const sim = await simulator();
    const error = await runBuild(dir, simEnv(sim)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      diagnostics: [expect.objectContaining({ code: 'E_TRANSLATION_MISSING', file: 'audio/a.audio.yaml', line: 2 })],
    });
    expect(totalRequests(sim)).toBe(0);
  });

  it.each([
    ['a language outside languages', 'text: { en: Hi, it: Ciao }, out: "{lang}/a.mp3"', 'E_LANGUAGE_NOT_SHIPPED'],
    ['{lang} missing from out', 'text: { en: Hi, de: Hallo }, out: a.mp3', 'E_OUT_PLACEHOLDER'],
    ['{voice} missing from out', 'voices: [Rachel, George], text: Hi, out: a.mp3', 'E_OUT_PLACEHOLDER'],
  ])('%s: exit 2 at its position, 0 requests', async (_name, fields, code) => {
    const dir = await makeProject({
      'kieaudio.config.yaml': config('[en, de]'),
      'audio/a.audio.yaml': `assets:\n  - { id: a, kind: voice, ${fields} }\n  - { id: b, kind: voice, text: Fine, out: b.mp3 }\n`,
    });
    const sim = await simulator();
    const error = await runBuild(dir, simEnv(sim)).then(
      () => undefined,
      (e: unknown) => e,
    );
    const errors = (error as { diagnostics: { severity: string }[] }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({ code, file: 'audio/a.audio.yaml', line: 2 })]);
    expect(totalRequests(sim)).toBe(0);
  });
});

describe('--only on expanded ids', () => {
  it('the declared id takes every output; <id>@de and *@de the German ones; an expanded id just itself', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': config('[en, de]'), 'audio/ui.audio.yaml': matrix() });
    const sim = await simulator();
    const env = simEnv(sim);
    const ids = async (only: string[]) => (await plan({ cwd: dir, env, only })).plan.items.map((i) => i.asset.id).sort();
    expect(await ids(['ui.ok'])).toEqual(['ui.ok@de@George', 'ui.ok@de@Rachel', 'ui.ok@en@George', 'ui.ok@en@Rachel']);
    expect(await ids(['*@de'])).toEqual(['ui.back@de@George', 'ui.back@de@Rachel', 'ui.ok@de@George', 'ui.ok@de@Rachel']);
    expect(await ids(['ui.ok@de'])).toEqual(['ui.ok@de@George', 'ui.ok@de@Rachel']);
    expect(await ids(['*@George'])).toEqual(['ui.back@de@George', 'ui.back@en@George', 'ui.ok@de@George', 'ui.ok@en@George']);
    const built = await runBuild(dir, env, { only: ['ui.ok@de@Rachel'] });
    expect(generated(built.events)).toEqual(['ui.ok@de@Rachel']);
    expect(sim.stats().created).toEqual([
      { model: 'elevenlabs/text-to-speech-turbo-2-5', input: { text: 'Bestätigt.', voice: 'Rachel', language_code: 'de' } },
    ]);
  });
});
