/**
 * Says in words why an asset's spec differs from what was generated: "text changed",
 * "voice and speed changed", "model changed". Pure.
 */
import { canonicalJson } from '../store/canonical-json.js';

export interface GeneratedSpec {
  model: string;
  input: Record<string, unknown>;
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

export function describeChange(before: GeneratedSpec, after: GeneratedSpec): string {
  const fields = changedFields(before, after);
  // Same input, different hash: the spec hash format itself changed.
  if (fields.length === 0) return 'spec format changed';
  return `${joinWords(fields)} changed`;
}

function joinWords(words: string[]): string {
  if (words.length <= 2) return words.join(' and ');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
