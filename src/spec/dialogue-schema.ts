/**
 * What users write for dialogue: the `cast` (speakers and their voice parameters), `scenes`
 * (lines in order, spoken as one conversation) and the `lexicon` (respellings of names). Built
 * from the voice shapes in schema.ts, which passes them in, so whatever a voice default may say
 * (a new parameter, `subtitles`) a cast entry and a scene may say too.
 */
import { z } from 'zod';
import { describeFound, quotedNumberHint } from './describe.js';
import { isLexiconWord } from './lexicon.js';
import { containerError, idSchema, unset } from './param-schemas.js';
import { MAX_TEXT_LENGTH } from './params.js';
import { MAX_SCENE_GAP_SECONDS } from './scene-out.js';

const NAME = /^[^\s\u0000-\u001f\u007f-\u009f]+$/;

/** A speaker's name in `cast` and in `speaker:`. */
export function speakerNameSchema() {
  const error = (issue: { input?: unknown }) =>
    `expected a speaker name from cast: a non-empty name without spaces, found ${describeFound(issue.input)}`;
  return z
    .string({ error })
    .regex(NAME, { error })
    .describe("A name from `cast` (the config's or this file's): its voice parameters apply.");
}

/** `cast:` speaker name → voice parameters; a spec file's entry replaces the config's of the same name. */
export function castSchema<T extends z.ZodType>(voiceDefaults: T) {
  return unset(
    z
      .record(speakerNameSchema(), unset(voiceDefaults), { error: containerError('a map of speaker names to voice parameters') })
      .describe(
        "Speakers and their voice parameters (e.g. captain: { voice: Charlotte, stability: 0.45 }). An asset's `speaker:` takes them, between the file's defaults and the asset. A spec file's entry replaces the config's entry of the same name.",
      ),
  );
}

/** `lexicon:` word → respelling, applied to voice lines' text before it is sent. */
export function lexiconSchema() {
  const keyError = (issue: { input?: unknown }) =>
    `expected a single word as a lexicon key (letters and digits, with - or ' inside), found ${describeFound(issue.input)}`;
  const valueError = (issue: { input?: unknown }) => `expected the text to send in place of the word, found ${describeFound(issue.input)}`;
  return unset(
    z
      .record(
        z.string({ error: keyError }).refine(isLexiconWord, { error: keyError, params: { code: 'E_LEXICON_KEY' } }),
        z.string({ error: valueError }).min(1, { error: valueError }).max(MAX_TEXT_LENGTH, { error: valueError }),
        { error: containerError('a map of words to how they are sent') },
      )
      .describe(
        "Respellings sent in place of whole words, case-sensitively, in voice lines' text, previous_text and next_text (e.g. Xyloth: ZY-loth). A spec file's entry replaces the config's for the same word. Only the entries a line uses enter its spec hash.",
      ),
  );
}

/** `continuity:` of a scene. */
export const CONTINUITY_VALUES = ['neighbours', 'none'] as const;
export type Continuity = (typeof CONTINUITY_VALUES)[number];

export function continuitySchema() {
  return unset(
    z
      .enum(CONTINUITY_VALUES, { error: (issue) => `expected "neighbours" or "none", found ${describeFound(issue.input)}` })
      .describe(
        "neighbours (the default): each line is sent with its neighbours' text as previous_text and next_text, so the delivery flows; none: each line stands alone.",
      ),
  );
}

/**
 * One line of a scene: a voice asset whose `kind` may be left out. `kind: effect` is an error,
 * not another kind of line.
 */
export function sceneLineSchema<S extends z.ZodRawShape>(voiceAssetShape: S) {
  const kindError = (issue: { input?: unknown }) =>
    `a scene line is a voice line: expected kind "voice" or no kind, found ${describeFound(issue.input)} (put sound effects under assets)`;
  return z
    .strictObject(
      {
        ...voiceAssetShape,
        id: unset(idSchema().describe('Unique in the project; defaults to `<scene id>.<n>`, n counting lines from 1.')),
        kind: z.literal('voice', { error: kindError }).optional(),
      },
      { error: containerError('a map describing one voice line') },
    )
    .meta({
      id: 'sceneLine',
      description: 'A voice line of the scene. Parameters left out or null come from the scene, speaker and defaults.',
    });
}

/** One scene: its id, continuity, settings every line inherits, and the lines in order. */
export function sceneSchema<L extends z.ZodType, S extends z.ZodRawShape>(line: L, settingsShape: S) {
  return z
    .strictObject(
      {
        id: idSchema().describe('The scene id, unique in the project; its lines are `<scene id>.<n>` unless they set `id`.'),
        continuity: continuitySchema(),
        ...settingsShape,
        out: sceneOutSchema().optional(),
        gap: sceneGapSchema().optional(),
        lines: z
          .array(line, { error: containerError('a list of voice lines') })
          .nullable()
          .transform((lines) => lines ?? [])
          .describe('The lines of the scene, in the order they are spoken.'),
      },
      { error: containerError('a map describing one scene') },
    )
    .meta({
      id: 'scene',
      description: 'Lines spoken as one conversation. Voice parameters set here apply to every line, between the line and its speaker.',
    });
}

/** A scene's `out`: the whole scene as one file, its format by its extension. */
export function sceneOutSchema() {
  const error = (issue: { input?: unknown }) =>
    `expected a path relative to outDir ending in .wav, .ogg, .mp3 or .flac, such as "dialogue/mine/scene.ogg", found ${describeFound(issue.input)}`;
  return z
    .string({ error })
    .min(1, { error })
    .describe(
      "Also write the whole scene as one file here (relative to outDir): the lines' outputs in order, `gap` seconds apart. Its extension (.wav, .ogg, .mp3, .flac) decides the format. With lines that have subtitles, `<out without extension>.srt`/`.vtt` hold the whole scene's cues. With `languages:`, {lang} in it makes one scene file per language (id `<scene id>@<lang>`); it is needed when the lines have several languages.",
    );
}

/** A scene's `gap`: seconds of silence between its lines in the scene file. */
export function sceneGapSchema() {
  const error = (issue: { input?: unknown }) =>
    `expected a number of seconds from 0 to ${MAX_SCENE_GAP_SECONDS}, found ${describeFound(issue.input)}${quotedNumberHint(issue.input)}`;
  return z
    .number({ error })
    .min(0, { error })
    .max(MAX_SCENE_GAP_SECONDS, { error })
    .describe(`Seconds of silence between lines in the scene file (\`out\`), 0 to ${MAX_SCENE_GAP_SECONDS}; default 0.`);
}

/** `scenes:` with nothing after it is an empty list, as it is mid-edit. */
export function sceneListSchema<T extends z.ZodType>(scene: T) {
  return z
    .array(scene, { error: containerError('a list of scenes') })
    .nullable()
    .transform((scenes) => scenes ?? [])
    .optional()
    .describe('Dialogue scenes: lines in order, each a voice asset.');
}
