/**
 * Says in words why an asset's spec differs from what was generated: "text changed",
 * "voice and speed changed", "model changed". What is sent is what is compared, so a text field
 * that a scene's neighbour or the lexicon made is explained by its cause: "next line's text
 * changed", "lexicon entry Xyloth added". Pure.
 */
import { TEXT_FIELDS, type TextField, type TextShaping } from '../project.js';
import { applyLexicon, entriesUsed } from '../spec/lexicon.js';
import { canonicalJson } from '../store/canonical-json.js';

export interface GeneratedSpec {
  model: string;
  input: Record<string, unknown>;
}

/** What was generated, as the lock records it. */
export interface LockedSpec extends GeneratedSpec {
  /** the lexicon entries its text used */
  lexicon?: Readonly<Record<string, string>> | undefined;
}

/** What would be generated now. */
export interface CurrentSpec extends GeneratedSpec {
  shaping?: TextShaping | undefined;
}

/** The names of what differs, model first, then input keys in alphabetical order. */
export function changedFields(before: GeneratedSpec, after: GeneratedSpec): string[] {
  const fields: string[] = [];
  if (before.model !== after.model) fields.push('model');
  const keys = new Set([...Object.keys(before.input), ...Object.keys(after.input)]);
  for (const key of [...keys].sort()) {
    if (canonicalJson(before.input[key]) !== canonicalJson(after.input[key])) fields.push(key);
  }
  return fields;
}

const NEIGHBOUR_WORDS: Readonly<Record<TextField, string>> = {
  text: 'text',
  previous_text: "previous line's text",
  next_text: "next line's text",
};

type LexiconChange = 'added' | 'changed' | 'removed';

export function describeChange(before: LockedSpec, after: CurrentSpec): string {
  const fields = changedFields(before, after);
  // Same input, different hash: the spec hash format itself changed.
  if (fields.length === 0) return 'spec format changed';
  const words: string[] = [];
  const neighbours: string[] = [];
  const lexicon = new Map<string, LexiconChange>();
  for (const field of fields) {
    const changes = isTextField(field) ? lexiconChanges(field, before, after) : undefined;
    if (changes !== undefined && changes.size > 0) {
      for (const [word, change] of changes) lexicon.set(word, change);
    } else if (isTextField(field) && after.shaping?.neighbours.includes(field)) {
      neighbours.push(NEIGHBOUR_WORDS[field]);
    } else {
      words.push(field);
    }
  }
  // the line's own fields first, then what its neighbours changed
  words.push(...neighbours.reverse());
  const parts = words.length === 0 ? [] : [`${joinWords(words)} changed`];
  for (const change of ['added', 'changed', 'removed'] as const) {
    const entries = [...lexicon].filter(([, c]) => c === change).map(([word]) => word);
    if (entries.length > 0) parts.push(`lexicon ${entries.length === 1 ? 'entry' : 'entries'} ${joinWords(entries.sort())} ${change}`);
  }
  return parts.join(', ');
}

/**
 * When `field` is what was written before, respelled differently: the lexicon entries whose
 * change made the difference; undefined when what was written changed.
 */
function lexiconChanges(field: TextField, before: LockedSpec, after: CurrentSpec): Map<string, LexiconChange> | undefined {
  const current = after.input[field];
  const written = after.shaping?.written[field] ?? (typeof current === 'string' ? current : undefined);
  if (written === undefined) return undefined;
  const old = before.lexicon ?? {};
  if (applyLexicon(written, old).text !== before.input[field]) return undefined;
  const now = after.shaping?.lexicon ?? {};
  const changes = new Map<string, LexiconChange>();
  for (const word of new Set([...Object.keys(old), ...Object.keys(now)])) {
    if (old[word] === now[word] || Object.keys(entriesUsed(written, { [word]: word })).length === 0) continue;
    changes.set(word, old[word] === undefined ? 'added' : now[word] === undefined ? 'removed' : 'changed');
  }
  return changes;
}

function isTextField(field: string): field is TextField {
  return (TEXT_FIELDS as readonly string[]).includes(field);
}

function joinWords(words: string[]): string {
  if (words.length <= 2) return words.join(' and ');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
