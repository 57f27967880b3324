/**
 * Canonical JSON: object keys sorted at every depth, no insignificant whitespace. The same data
 * always gives the same text, which the spec hash (spec/hash.ts) and the deterministic
 * `kieaudio.lock` (lock-file.ts) both rely on.
 */

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
