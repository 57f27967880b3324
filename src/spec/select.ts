/**
 * `--only PATTERN`: which assets a command works on, by id or `out` path, with globs. Pure. An
 * expanded output (`inn.greet@de`, `ui.ok@de@Rachel`) is also matched by the id it was declared
 * with and by `<id>@<lang>`, so `--only inn.greet` takes every language and voice of the line,
 * `--only ui.ok@de` every voice of its German output, and `--only '*@de'` every German output.
 * A scene file is selected by its id (`<scene id>@<lang>` or the scene's id) or `out`, or when
 * one of its lines is: the lines a build would make are the scene files it would join.
 */
import picomatch from 'picomatch';
import type { ResolvedAsset, ResolvedScene } from '../project.js';

/**
 * The assets `patterns` select. With `scenes`, a pattern naming a scene file (its id or `out`, as
 * `plan` shows them) selects that file's lines: building them is what makes it.
 */
export function selectAssets(
  assets: readonly ResolvedAsset[],
  patterns: readonly string[],
  scenes: readonly ResolvedScene[] = [],
): ResolvedAsset[] {
  if (patterns.length === 0) return [...assets];
  const matchers = patterns.map((p) => picomatch(p, { dot: true }));
  const matches = (names: readonly string[]) => matchers.some((m) => names.some((name) => m(name)));
  const lines = new Set(scenes.filter((scene) => matches(sceneNamesOf(scene))).flatMap((scene) => scene.lines.map((line) => line.out)));
  return assets.filter((a) => lines.has(a.out) || matches(namesOf(a)));
}

/** What `--only` compares a pattern with: the id, `out`, and for an expanded output its declared id and `<id>@<lang>`. */
function namesOf(asset: ResolvedAsset): string[] {
  const { id, out, baseId, language } = asset;
  if (baseId === undefined) return [id, out];
  const byLanguage = language === undefined ? undefined : `${baseId}@${language}`;
  // a line with voices only has no `<id>@<lang>` among its ids
  return byLanguage !== undefined && id.startsWith(`${byLanguage}@`) ? [id, out, baseId, byLanguage] : [id, out, baseId];
}

/** The scene files `--only` selects, given the assets it selected (`selectAssets`). */
export function selectScenes(
  scenes: readonly ResolvedScene[],
  patterns: readonly string[],
  selectedAssets: readonly ResolvedAsset[],
): ResolvedScene[] {
  if (patterns.length === 0) return [...scenes];
  const matchers = patterns.map((p) => picomatch(p, { dot: true }));
  const lines = new Set(selectedAssets.map((a) => a.out));
  return scenes.filter((scene) => {
    if (scene.lines.some((line) => lines.has(line.out))) return true;
    const names = sceneNamesOf(scene);
    return matchers.some((m) => names.some((name) => m(name)));
  });
}

/** A scene file's id and `out`, and for one language's file (`<scene id>@<lang>`) the scene's id. */
function sceneNamesOf(scene: ResolvedScene): string[] {
  const { id, out, language } = scene;
  const suffix = language === undefined ? undefined : `@${language}`;
  return suffix !== undefined && id.endsWith(suffix) ? [id, out, id.slice(0, -suffix.length)] : [id, out];
}
