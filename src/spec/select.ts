/**
 * `--only PATTERN`: which assets a command works on, by id or `out` path, with globs. Pure. An
 * expanded output (`inn.greet@de`, `ui.ok@Rachel`) is also matched by the id it was declared with,
 * so `--only inn.greet` takes every language and voice of the line, and `--only '*@de'` every
 * German output.
 */
import picomatch from 'picomatch';
import type { ResolvedAsset } from '../project.js';

export function selectAssets(assets: readonly ResolvedAsset[], patterns: readonly string[]): ResolvedAsset[] {
  if (patterns.length === 0) return [...assets];
  const matchers = patterns.map((p) => picomatch(p, { dot: true }));
  return assets.filter((a) => matchers.some((m) => m(a.id) || m(a.out) || (a.baseId !== undefined && m(a.baseId))));
}
