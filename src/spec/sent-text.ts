/**
 * Pure: a voice line's text fields as sent. A line of a scene with `continuity: neighbours` gets
 * its neighbours' text as `previous_text` / `next_text` (unless it sets them itself), then the
 * lexicon respells whole words in all three, once. What was written is kept beside what is sent
 * (ResolvedAsset.writtenText, .shaping): subtitles show the one, `plan` explains changes with it.
 */
import { TEXT_FIELDS, type TextField, type TextShaping } from '../project.js';
import { applyLexicon, entriesUsed, type Lexicon } from './lexicon.js';
import { INVALID, type Invalid } from './salvage.js';

export type NeighbourField = Exclude<TextField, 'text'>;

export interface TextSources {
  /** the neighbouring lines' written text (continuity: neighbours); INVALID when it is not known */
  neighbours?: Partial<Record<NeighbourField, string | Invalid>> | undefined;
  /** the file's lexicon (its entries over the config's); INVALID: a replacement that failed validation */
  lexicon: Readonly<Record<string, string | Invalid>>;
}

export interface ShapedText {
  input: Record<string, unknown>;
  writtenText?: string;
  shaping?: TextShaping;
  /** something it depends on failed validation (reported where it is): the line cannot be resolved */
  unknown: boolean;
}

/**
 * `input` as resolved from the chain → as sent. `own`: the line's own fields (a field it sets
 * itself is never replaced by a neighbour's text); `accepts`: whether the model takes a field.
 */
export function shapeText(
  input: Readonly<Record<string, unknown>>,
  own: Readonly<Record<string, unknown>> | null | undefined,
  sources: TextSources,
  accepts: (field: TextField) => boolean,
): ShapedText {
  const sent: Record<string, unknown> = { ...input };
  let unknown = false;
  const neighbours: TextField[] = [];
  for (const field of ['previous_text', 'next_text'] as const) {
    const text = sources.neighbours?.[field];
    if (own?.[field] != null || text === undefined || !accepts(field)) continue;
    if (text === INVALID) unknown = true;
    else {
      sent[field] = text;
      neighbours.push(field);
    }
  }
  const { valid, invalid } = splitLexicon(sources.lexicon);
  const written: Partial<Record<TextField, string>> = {};
  const used: Record<string, string> = {};
  for (const field of TEXT_FIELDS) {
    const text = sent[field];
    if (typeof text !== 'string') continue;
    written[field] = text;
    if (Object.keys(entriesUsed(text, invalid)).length > 0) unknown = true;
    const respelled = applyLexicon(text, valid);
    sent[field] = respelled.text;
    Object.assign(used, respelled.used);
  }
  const shaped: ShapedText = { input: sent, unknown };
  if (written.text !== undefined) shaped.writtenText = written.text;
  if (neighbours.length > 0 || Object.keys(used).length > 0) shaped.shaping = { written, lexicon: sortedKeys(used), neighbours };
  return shaped;
}

/** The lexicon of a file, split once for all its lines (lexicon.ts compiles each part once). */
const SPLITS = new WeakMap<Readonly<Record<string, string | Invalid>>, { valid: Lexicon; invalid: Lexicon }>();

function splitLexicon(lexicon: Readonly<Record<string, string | Invalid>>): { valid: Lexicon; invalid: Lexicon } {
  const known = SPLITS.get(lexicon);
  if (known !== undefined) return known;
  const valid: Record<string, string> = {};
  const invalid: Record<string, string> = {};
  for (const [word, replacement] of Object.entries(lexicon)) {
    if (replacement === INVALID) invalid[word] = word;
    else valid[word] = replacement;
  }
  const split = { valid, invalid };
  SPLITS.set(lexicon, split);
  return split;
}

function sortedKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
