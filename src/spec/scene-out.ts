/**
 * Pure: a scene's `out` and `gap` → the scene file it asks for (project.ts ResolvedScene), with
 * its problems reported where they are written. The format is the extension's, as with `post:`
 * (a scene file is always encoded by ffmpeg), and the subtitle files are those its lines ask for.
 */
import type { Diagnostic } from '../errors.js';
import { POST_FORMATS, postFormatOfPath } from '../ffmpeg/post-chain.js';
import type { ResolvedAsset, ResolvedScene } from '../project.js';
import { sidecarsOf, stemOf } from '../timings/sidecar-paths.js';
import type { SceneEntry } from './dialogue-content.js';
import { normalizeOut } from './out-path.js';
import type { DocPath, Locate } from './position.js';
import { INVALID } from './salvage.js';
import type { SceneVariant } from './scene-languages.js';

/** The longest `gap`: a pause longer than this is a cut, not a gap in a conversation. */
export const MAX_SCENE_GAP_SECONDS = 10;

export interface SceneOutWhere {
  file: string;
  locate: Locate;
  report: (diagnostic: Diagnostic, own: boolean) => void;
}

/** The scene's normalized `out`, undefined when it sets none or it is not valid (reported here). */
export function sceneOutOf(scene: SceneEntry, where: SceneOutWhere): string | undefined {
  if (typeof scene.out !== 'string') return undefined;
  const path: DocPath = ['scenes', scene.index, 'out'];
  const problem = (code: string, message: string) => {
    where.report(
      { file: where.file, ...where.locate(path), severity: 'error', code, field: `scenes.${scene.index}.out`, message: `out: ${message}` },
      true,
    );
    return undefined;
  };
  const outcome = normalizeOut(scene.out);
  if (!outcome.ok) return problem(outcome.code, outcome.message);
  if (postFormatOfPath(outcome.out) === undefined) {
    const wanted = POST_FORMATS.map((f) => `.${f}`).join(', ');
    return problem(
      'E_OUT_EXTENSION',
      `expected a path ending in ${wanted} (a scene file's format is its extension), found ${JSON.stringify(scene.out)}`,
    );
  }
  return outcome.out;
}

/**
 * One scene file, when the scene has a valid `id` and `gap` and the file has its lines
 * (scene-languages.ts); a scene with a problem was reported already, and asks for nothing. The
 * file of one language is `<scene id>@<lang>`, as an asset's output of one language is.
 */
export function resolveSceneFile(scene: SceneEntry, variant: SceneVariant, where: SceneOutWhere): ResolvedScene | undefined {
  const { out, language, lines } = variant;
  if (lines === undefined || typeof scene.id !== 'string' || scene.gap === INVALID) return undefined;
  const format = postFormatOfPath(out);
  if (format === undefined || lines.length === 0) return undefined;
  const subtitles = (['srt', 'vtt'] as const).filter((f) => lines.some((line) => line.subtitles?.includes(f)));
  const file: ResolvedScene = {
    id: language === undefined ? scene.id : `${scene.id}@${language}`,
    out,
    format,
    gap: scene.gap ?? 0,
    lines: lines.map((line) => ({ id: line.id, out: line.out })),
    subtitles,
    source: { file: where.file, ...where.locate(['scenes', scene.index, 'out']) },
  };
  if (language !== undefined) file.language = language;
  return file;
}

/**
 * A scene's subtitle files must not be files another output writes: an asset's `out` or its own
 * sidecars (a scene `mine/01.ogg` beside a line `mine/01.mp3` would share `mine/01.srt`).
 */
export function checkSceneSubtitles(scenes: readonly ResolvedScene[], assets: readonly ResolvedAsset[]): Diagnostic[] {
  // nothing to compare (and every asset's paths not worth folding: watch mode runs this after each save)
  if (!scenes.some((scene) => scene.subtitles.length > 0)) return [];
  const taken = new Map<string, string>();
  for (const asset of assets) {
    taken.set(asset.out.toLowerCase(), asset.id);
    for (const sidecar of sidecarsOf(asset)) taken.set(sidecar.out.toLowerCase(), asset.id);
  }
  const diagnostics: Diagnostic[] = [];
  for (const scene of scenes) {
    // a scene out that is an asset's was reported as such already (uniqueness.ts)
    if (taken.has(scene.out.toLowerCase())) continue;
    for (const format of scene.subtitles) {
      const path = `${stemOf(scene.out)}.${format}`;
      const owner = taken.get(path.toLowerCase());
      if (owner === undefined) {
        taken.set(path.toLowerCase(), `scene ${scene.id}`);
        continue;
      }
      diagnostics.push({
        ...scene.source,
        severity: 'error',
        code: 'E_DUPLICATE_OUT',
        asset: `scene ${scene.id}`,
        field: 'out',
        message: `out: the scene's subtitles ${JSON.stringify(path)} would overwrite a file of ${owner.startsWith('scene ') ? owner : `asset "${owner}"`}; choose another scene out`,
      });
    }
  }
  return diagnostics;
}
