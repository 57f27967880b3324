/**
 * The spec hash: what identifies a generation. Two assets with the same hash would get the same
 * request, so they share one cache entry and one payment. `out`, `id` and any callback URL are
 * deliberately not in it: renaming or moving an output never costs a generation.
 */
import { canonicalJson } from '../store/canonical-json.js';
import { sha256Hex } from '../store/sha256.js';

/** Bumped when the hashed shape changes, so old cache entries are not reused under a new meaning. */
export const SPEC_HASH_VERSION = 1;

export function specHash(model: string, input: Record<string, unknown>): string {
  return sha256Hex(canonicalJson({ v: SPEC_HASH_VERSION, model, input }));
}

/** Spec hashes already known, by asset: a project from the snapshot (spec/project-snapshot.ts) brings its own. */
const known = new WeakMap<object, string>();

/** The asset's spec hash, computed once per asset object. */
export function specHashOf(asset: { model: string; input: Record<string, unknown> }): string {
  let hash = known.get(asset);
  if (hash === undefined) {
    hash = specHash(asset.model, asset.input);
    known.set(asset, hash);
  }
  return hash;
}

/** Records a hash computed by an earlier load of the same asset (undefined: compute it when asked). */
export function primeSpecHash(asset: { model: string; input: Record<string, unknown> }, hash: string | undefined): void {
  if (typeof hash === 'string') known.set(asset, hash);
}
