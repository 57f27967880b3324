/**
 * Pure: the dialogue parts of a config or spec file (cast, lexicon, scenes) as the resolver works
 * from them (see content.ts). A file that failed validation is salvaged scene by scene and line
 * by line, so a problem in one line hides nothing about the others.
 */

import { isRecord } from '../is-record.js';
import type { AssetEntry } from './content.js';
import { type Continuity, speakerNameSchema } from './dialogue-schema.js';
import { isLexiconWord } from './lexicon.js';
import { hasUnknownKeys, INVALID, type Invalid, salvageMap, salvageObject, salvageValue, type Values } from './salvage.js';
import {
  CastEntrySchema,
  type CastInput,
  type LexiconInput,
  type SceneInput,
  SceneLineSchema,
  SceneSchema,
  VoiceDefaultsSchema,
} from './schema.js';

export interface CastContent {
  /** speaker name → the entry's voice parameters */
  entries: Readonly<Record<string, Values>>;
  /** `cast` may name speakers it does not show (it is not a map, or a name failed validation) */
  incomplete: boolean;
}

export interface LexiconContent {
  /** word → replacement; INVALID: the word is a key but its replacement failed validation */
  entries: Readonly<Record<string, string | Invalid>>;
}

export interface SceneEntry {
  /** position in the file's `scenes` */
  index: number;
  /** undefined when missing (reported by validation) */
  id: string | Invalid | undefined;
  continuity: Continuity | Invalid;
  /** the scene's own voice parameters, which every line inherits */
  settings: Values;
  lines: AssetEntry[];
}

export interface DialogueContent {
  cast: CastContent;
  lexicon: LexiconContent;
  scenes: SceneEntry[];
}

export function dialogueContent(input: {
  cast?: CastInput | null | undefined;
  lexicon?: LexiconInput | null | undefined;
  scenes?: readonly SceneInput[] | undefined;
}): DialogueContent {
  const cast: Record<string, Values> = {};
  for (const [name, entry] of Object.entries(input.cast ?? {})) cast[name] = { values: entry ?? {}, incomplete: false };
  return {
    cast: { entries: cast, incomplete: false },
    lexicon: { entries: { ...input.lexicon } },
    scenes: (input.scenes ?? []).map((scene, index) => ({
      index,
      id: scene.id,
      continuity: scene.continuity ?? 'neighbours',
      settings: { values: scene, incomplete: false },
      lines: scene.lines.map((line, j) => ({
        index: j,
        kind: 'voice' as const,
        values: line,
        incomplete: false,
        valid: true,
        label: lineLabel(line, scene.id, j),
      })),
    })),
  };
}

/** The dialogue parts of a file that failed validation. `rootIncomplete`: the file has unknown top-level keys. */
export function salvageDialogue(data: Readonly<Record<string, unknown>>, rootIncomplete: boolean): DialogueContent {
  return { cast: salvageCast(data.cast, rootIncomplete), lexicon: salvageLexicon(data.lexicon), scenes: salvageScenes(data.scenes) };
}

/** How diagnostics name a line: its `id`, else the id it defaults to, else its `out`, else `#<n>`. */
export function lineLabel(line: unknown, sceneId: unknown, index: number): string {
  if (isRecord(line) && typeof line.id === 'string' && line.id !== '') return line.id;
  if (typeof sceneId === 'string' && sceneId !== '') return `${sceneId}.${index + 1}`;
  if (isRecord(line) && typeof line.out === 'string' && line.out !== '') return line.out;
  return `#${index + 1}`;
}

const SCENE_SHAPE = SceneSchema.shape;
const LINE_SHAPE = SceneLineSchema.shape;
const SETTINGS_SHAPE = VoiceDefaultsSchema.shape;
const CAST_ENTRY_SHAPE = CastEntrySchema.shape;
const SPEAKER_NAME = speakerNameSchema();

function salvageCast(raw: unknown, parentIncomplete: boolean): CastContent {
  if (raw == null) return { entries: {}, incomplete: parentIncomplete };
  if (!isRecord(raw)) return { entries: {}, incomplete: true };
  const entries: Record<string, Values> = {};
  let incomplete = false;
  for (const [name, entry] of Object.entries(raw)) {
    if (salvageValue(SPEAKER_NAME, name) === INVALID) incomplete = true;
    else entries[name] = salvageMap(CAST_ENTRY_SHAPE, entry, false) ?? { values: {}, incomplete: false };
  }
  return { entries, incomplete };
}

function salvageLexicon(raw: unknown): LexiconContent {
  if (!isRecord(raw)) return { entries: {} };
  const entries: Record<string, string | Invalid> = {};
  for (const [word, replacement] of Object.entries(raw)) {
    // a key that is not a word was reported, and could never match
    if (isLexiconWord(word)) entries[word] = typeof replacement === 'string' && replacement !== '' ? replacement : INVALID;
  }
  return { entries };
}

function salvageScenes(raw: unknown): SceneEntry[] {
  if (!Array.isArray(raw)) return [];
  const list: unknown[] = raw;
  return list.map((scene, index): SceneEntry => {
    if (!isRecord(scene)) return { index, id: undefined, continuity: INVALID, settings: { values: {}, incomplete: true }, lines: [] };
    const { lines, id: rawId, continuity: rawContinuity, ...settings } = scene;
    const id = rawId === undefined ? undefined : salvageValue(SCENE_SHAPE.id, rawId);
    const continuity = salvageValue(SCENE_SHAPE.continuity, rawContinuity);
    const values = salvageObject(SETTINGS_SHAPE, settings);
    return {
      index,
      id,
      continuity: continuity === INVALID ? INVALID : (continuity ?? 'neighbours'),
      settings: { values: values.values, incomplete: values.incomplete || hasUnknownKeys(scene, SCENE_SHAPE) },
      lines: salvageLines(lines, id),
    };
  });
}

function salvageLines(raw: unknown, sceneId: string | Invalid | undefined): AssetEntry[] {
  if (!Array.isArray(raw)) return [];
  const list: unknown[] = raw;
  return list.map((item, index): AssetEntry => {
    const label = lineLabel(item, sceneId, index);
    const parsed = SceneLineSchema.safeParse(item);
    if (parsed.success) return { index, kind: 'voice', values: parsed.data, incomplete: false, valid: true, label };
    if (!isRecord(item)) return { index, kind: 'voice', values: {}, incomplete: true, valid: false, label };
    return { index, kind: 'voice', ...salvageObject(LINE_SHAPE, item), valid: false, label };
  });
}
