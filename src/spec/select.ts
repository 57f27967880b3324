/** `--only PATTERN`: which assets a command works on, by id or `out` path, with globs. Pure. */
import picomatch from 'picomatch';
import type { ResolvedAsset } from '../project.js';

export function selectAssets(assets: readonly ResolvedAsset[], patterns: readonly string[]): ResolvedAsset[] {
  if (patterns.length === 0) return [...assets];
  const matchers = patterns.map((p) => picomatch(p, { dot: true }));
  return assets.filter((a) => matchers.some((m) => m(a.id) || m(a.out)));
}
