/**
 * What making a scene file takes from its lines (scene-file.ts): each line's file and length,
 * the sample rate and channels the scene file has, its cache key, and each line's words for the
 * scene's subtitles. Lengths come without running ffmpeg wherever they can — the lock's
 * post-processing measurement, else the MP3's frames — so that restoring a scene file and its
 * subtitles from the cache runs no ffmpeg.
 */
import { readFile } from 'node:fs/promises';
import { mp3DurationSeconds } from '../audio/duration.js';
import type { ConcatInput, ConcatLayout } from '../ffmpeg/concat-args.js';
import { measureLoudness } from '../ffmpeg/loudness.js';
import type { FfmpegRunner } from '../ffmpeg/run.js';
import type { ResolvedAsset, ResolvedScene } from '../project.js';
import { canonicalJson } from '../store/canonical-json.js';
import { outputPath } from '../store/project-store.js';
import { sha256Hex } from '../store/sha256.js';
import type { SceneCueLine } from '../timings/scene-cues.js';
import { stemOf } from '../timings/sidecar-paths.js';
import { parseTimingsDoc } from '../timings/timings-doc.js';
import type { BuildContext } from './context.js';

/** Changes whenever ffmpeg/concat-args.ts changes what it produces: every scene file is made again. */
export const SCENE_VERSION = 1;

export interface SceneLine extends ConcatInput {
  asset: ResolvedAsset;
  contentHash: string;
}

/** The lines' files and lengths; `runner` measures only a line whose length nothing else says. */
export async function sceneLines(
  ctx: BuildContext,
  scene: ResolvedScene,
  hashes: readonly string[],
  runner: () => Promise<FfmpegRunner>,
): Promise<SceneLine[]> {
  const assets = new Map(ctx.project.assets.map((a) => [a.out, a]));
  const lines: SceneLine[] = [];
  for (const [i, line] of scene.lines.entries()) {
    const asset = assets.get(line.out);
    const contentHash = hashes[i];
    if (asset === undefined || contentHash === undefined) throw new Error(`scene ${scene.id}: line ${i + 1} is not known`);
    const path = outputPath(ctx.project, line.out);
    const measured = ctx.store.lock.assets[line.out]?.post?.measured.duration;
    const duration =
      measured ??
      mp3DurationSeconds(await readFile(path)) ??
      (await measureLoudness(await runner(), path, { signal: ctx.signal })).durationSeconds;
    lines.push({ asset, contentHash, path, duration });
  }
  return lines;
}

/** The scene file's sample rate (its lines' highest) and channels (stereo when a line's chain asks for it). */
export function sceneLayout(scene: ResolvedScene, lines: readonly SceneLine[]): ConcatLayout {
  const rates = lines.map((line) => line.asset.post?.sampleRate ?? line.asset.format.sampleRate);
  const stereo = lines.some((line) => line.asset.post?.channels === 2);
  return { sampleRate: Math.max(...rates), channels: stereo ? 2 : 1, gap: scene.gap };
}

/** The scene file's key in `<cacheDir>/derived`: the lines' content in order, the layout, the format and the ffmpeg build. */
export function sceneKey(scene: ResolvedScene, lines: readonly SceneLine[], layout: ConcatLayout, ffmpeg: string): string {
  return sha256Hex(
    canonicalJson({
      v: SCENE_VERSION,
      scene: true,
      lines: lines.map((line) => [line.contentHash, line.duration]),
      layout: { ...layout },
      format: scene.format,
      ffmpeg,
    }),
  );
}

/** Each line's text as written, its words (from its `.timings.json` beside it, when it has one) and where it starts. */
export async function cueLines(ctx: BuildContext, lines: readonly SceneLine[], starts: readonly number[]): Promise<SceneCueLine[]> {
  const cues: SceneCueLine[] = [];
  for (const [i, line] of lines.entries()) {
    const { asset } = line;
    const doc =
      asset.input.timestamps === true ? await readTimings(outputPath(ctx.project, `${stemOf(asset.out)}.timings.json`)) : undefined;
    cues.push({
      text: asset.writtenText ?? String(asset.input.text ?? ''),
      words: doc?.words ?? [],
      duration: line.duration,
      start: starts[i] ?? 0,
    });
  }
  return cues;
}

async function readTimings(path: string) {
  try {
    return parseTimingsDoc(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
