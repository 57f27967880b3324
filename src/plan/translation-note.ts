/**
 * Pure: what `plan` and `status` say about an output whose translation is stale (its table's
 * `lock.<lang>` no longer matches the source text). The output is still generated from the text
 * given, so this is a note beside its state, shown even when the output is up to date: the
 * translator has to look at it, not the build.
 */
import type { ResolvedAsset } from '../project.js';

export const STALE_TRANSLATION = 'source text changed since translation';

export function translationNote(asset: ResolvedAsset): string | undefined {
  const translation = asset.translation;
  if (translation?.stale !== true) return undefined;
  const { file, line, col } = translation.at;
  return `${STALE_TRANSLATION} (${file}:${line}:${col})`;
}
