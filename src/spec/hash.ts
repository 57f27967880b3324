/**
 * The spec hash: what identifies a generation. Two assets with the same hash would get the same
 * request, so they share one cache entry and one payment. `out`, `id` and any callback URL are
 * deliberately not in it: renaming or moving an output never costs a generation.
 */
import { sha256Hex } from '../store/sha256.js';

/** Bumped when the hashed shape changes, so old cache entries are not reused under a new meaning. */
export const SPEC_HASH_VERSION = 1;

export function specHash(model: string, input: Record<string, unknown>): string {
  return sha256Hex(canonicalJson({ v: SPEC_HASH_VERSION, model, input }));
}

/** JSON with object keys sorted at every depth and no insignificant whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A deep copy with object keys in code-point order; arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // null prototype: a `__proto__` key must stay a plain key, not become the prototype
    const sorted = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}
