/**
 * Pure: which scene files a scene with `out` makes, and from which output of each line. Without
 * `{lang}` it is one file of each line's one output. With `{lang}` it is one file per language of
 * the project, id `<scene id>@<lang>`, each joining that language's output of every line; a line
 * with one output (plain text, no `{lang}` in its `out`) is the same file in every language. The
 * rules mirror an asset's `out` (expand-outputs.ts): `{lang}` needs `languages:`, and lines with
 * several languages need `{lang}`. A language some line has no output in (`localization.missing:
 * warn` skipped it) gets no scene file, with a warning; a line with several voices is an error,
 * as one file per voice of a whole conversation is not defined.
 */
import type { ResolvedAsset } from '../project.js';
import type { SceneEntry } from './dialogue-content.js';
import { LANG, VOICE } from './expand-outputs.js';
import type { Localization } from './language-text.js';
import { describeLanguage } from './languages.js';
import { normalizeOut } from './out-path.js';
import { INVALID } from './salvage.js';
import type { SceneOutWhere } from './scene-out.js';

/** What the scene knows of one line. */
export interface SceneLineOutputs {
  /** the line makes one output per language (a text map, or `{lang}` in its `out`) */
  byLanguage: boolean;
  /** the voices it declares with `voices:` (empty: none) */
  voices: readonly string[];
  /** its outputs as resolved, each undefined when it has a problem (reported) */
  outputs: readonly (ResolvedAsset | undefined)[];
  /** its id as declared, for messages */
  label: string;
}

/** One scene file: its `out`, its language (with `{lang}`), and each line's output in it. */
export interface SceneVariant {
  out: string;
  language?: string;
  /** undefined: the file is not made (a problem was reported) */
  lines: ResolvedAsset[] | undefined;
}

type Problem = (code: string, message: string, severity?: 'error' | 'warning') => void;

/** The scene files of a scene whose `out` (normalized, placeholders kept) is valid; each `out` is claimed even when not made. */
export function sceneVariants(
  scene: SceneEntry,
  out: string,
  lines: readonly SceneLineOutputs[],
  where: SceneOutWhere & { l10n: Localization },
): SceneVariant[] {
  const problem: Problem = (code, message, severity = 'error') =>
    where.report(
      {
        file: where.file,
        ...where.locate(['scenes', scene.index, 'out']),
        severity,
        code,
        field: `scenes.${scene.index}.out`,
        message: `out: ${message}`,
      },
      true,
    );
  const { languages } = where.l10n;
  if (languages === INVALID || where.l10n.missing === INVALID) return [];
  if (out.includes(VOICE)) {
    problem(
      'E_OUT_PLACEHOLDER',
      "expected no {voice} in a scene's out: a scene file joins one output per line, and one scene file per voice of a whole conversation is not defined; give each line one voice",
    );
    return [];
  }
  const clean = !voicesProblem(lines, problem) && !lines.some((line) => line.outputs.includes(undefined));
  if (!out.includes(LANG)) {
    if (languages.length > 1 && lines.some((line) => line.byLanguage)) {
      const list = `${languages.length} languages (${languages.join(', ')})`;
      problem('E_OUT_PLACEHOLDER', `expected {lang} in out: the scene's lines have ${list}, each needs its own scene file`);
      return [{ out, lines: undefined }];
    }
    return [{ out, lines: clean ? lines.map((line) => line.outputs[0]).filter((a): a is ResolvedAsset => a !== undefined) : undefined }];
  }
  if (languages.length === 0) {
    problem(
      'E_NO_LANGUAGES',
      'expected `languages:` in the config for {lang} in out: it lists the languages the project ships, the source first',
    );
    return [];
  }
  return languages.flatMap((language) => languageFile(out, language, clean ? lines : undefined, problem));
}

/** One language's scene file; `lines` undefined: it is claimed but not made (a problem was reported). */
function languageFile(out: string, language: string, lines: readonly SceneLineOutputs[] | undefined, problem: Problem): SceneVariant[] {
  const filled = normalizeOut(out.replaceAll(LANG, language));
  if (!filled.ok) return [];
  const variant: SceneVariant = { out: filled.out, language, lines: undefined };
  if (lines === undefined) return [variant];
  const chosen = lines.map((line) => (line.byLanguage ? line.outputs.find((a) => a?.language === language) : line.outputs[0]));
  const missing = lines.flatMap((line, j) => (chosen[j] === undefined ? [`${j + 1} (${line.label})`] : []));
  if (missing.length === 0) {
    variant.lines = chosen.filter((a): a is ResolvedAsset => a !== undefined);
    return [variant];
  }
  const which = missing.length > 1 ? `lines ${missing.join(', ')} have` : `line ${missing[0]} has`;
  problem(
    'W_SCENE_LANGUAGE_MISSING',
    `no ${describeLanguage(language)} scene file ${JSON.stringify(filled.out)}: ${which} no ${language} output (localization.missing: warn skipped it); it is made once every line has ${language} text`,
    'warning',
  );
  return [variant];
}

/** Whether a line declares several voices (reported here, at the scene's `out`). */
function voicesProblem(lines: readonly SceneLineOutputs[], problem: Problem): boolean {
  const j = lines.findIndex((line) => line.voices.length > 1);
  const line = lines[j];
  if (line === undefined) return false;
  problem(
    'E_SCENE_VARIANTS',
    `a scene file joins one output per line, but line ${j + 1} (${line.label}) has ${line.voices.length} voices (${line.voices.join(', ')}): one scene file per voice of a whole conversation is not defined (which voice would the other lines keep?); give the line one voice, or remove the scene's out`,
  );
  return true;
}
