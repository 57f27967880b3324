/**
 * Top-level keys that start with `x-` belong to the user, not to kieaudio: docker-compose's place
 * for YAML anchors that assets share through aliases (`x-guard: &guard { kind: voice, … }`, then
 * `<<: *guard`). The YAML parser has resolved every alias before validation, so they are dropped
 * there; the JSON Schemas allow them too, so editors do not flag them.
 */
import { isRecord } from '../is-record.js';

const PREFIX = 'x-';

/** For the JSON Schema of a config or spec file (`additionalProperties: false` does not apply to these). */
export const EXTENSION_KEYS_SCHEMA = {
  patternProperties: {
    [`^${PREFIX}`]: { description: 'Ignored by kieaudio: a place for YAML anchors that assets use through aliases.' },
  },
};

/** The document without its `x-` keys: what the schema validates. Anything but a map is returned as it is. */
export function withoutExtensionKeys(data: unknown): unknown {
  if (!isRecord(data) || !Object.keys(data).some((key) => key.startsWith(PREFIX))) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith(PREFIX)));
}
