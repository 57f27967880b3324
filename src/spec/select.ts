/**
 * `--only PATTERN`: which assets a command works on, by id or `out` path, with globs. Pure. An
 * expanded output (`inn.greet@de`, `ui.ok@de@Rachel`) is also matched by the id it was declared
 * with and by `<id>@<lang>`, so `--only inn.greet` takes every language and voice of the line,
 * `--only ui.ok@de` every voice of its German output, and `--only '*@de'` every German output.
 */
import picomatch from 'picomatch';
import type { ResolvedAsset } from '../project.js';

export function selectAssets(assets: readonly ResolvedAsset[], patterns: readonly string[]): ResolvedAsset[] {
  if (patterns.length === 0) return [...assets];
  const matchers = patterns.map((p) => picomatch(p, { dot: true }));
  return assets.filter((a) => {
    const names = namesOf(a);
    return matchers.some((m) => names.some((name) => m(name)));
  });
}

/** What `--only` compares a pattern with: the id, `out`, and for an expanded output its declared id and `<id>@<lang>`. */
function namesOf(asset: ResolvedAsset): string[] {
  const { id, out, baseId, language } = asset;
  if (baseId === undefined) return [id, out];
  const byLanguage = language === undefined ? undefined : `${baseId}@${language}`;
  // a line with voices only has no `<id>@<lang>` among its ids
  return byLanguage !== undefined && id.startsWith(`${byLanguage}@`) ? [id, out, baseId, byLanguage] : [id, out, baseId];
}
