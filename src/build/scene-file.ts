/**
 * Scene files: a scene with `out` also gets its lines' outputs joined into one file, `gap`
 * seconds apart, with the scene's subtitles beside it. Made after the assets' work, from the
 * outputs now at their `out`, and only when every line is current: a line that failed or is
 * missing fails the scene, whose file is left as it was. Derived locally (no API call), cached in
 * `<cacheDir>/derived` by the lines' content, the gap, the format and the ffmpeg build, so a
 * restore is a copy; written to a temp file and renamed, never half-written at `out`.
 */
import { rename, rm } from 'node:fs/promises';
import { KieaudioError, messageOf } from '../errors.js';
import { concatArgs, segmentOffsets } from '../ffmpeg/concat-args.js';
import { gatherScenes, lineSidecarsDigest, sceneSubtitlePaths } from '../plan/scene-facts.js';
import { type PlannedScene, planScenes } from '../plan/scene-plan.js';
import type { ResolvedScene } from '../project.js';
import { releaseTemp, tempPathFor, writeFileAtomic } from '../store/atomic-write.js';
import type { CacheRecord } from '../store/content-cache.js';
import type { LockFile, SceneLockEntry } from '../store/lock-file.js';
import { outputPath } from '../store/project-store.js';
import { hashFile, sha256Hex } from '../store/sha256.js';
import type { OutputState } from '../store/stat-index.js';
import { sceneCues } from '../timings/scene-cues.js';
import type { BuildContext } from './context.js';
import { postTools } from './post-tools.js';
import { cueLines, type SceneLine, sceneKey, sceneLayout, sceneLines } from './scene-inputs.js';

export interface SceneRun {
  /**
   * outs of the assets this build was asked for (--only): a scene none of whose lines is among them
   * is not touched; 'all': every stale scene is made (a watch rebuild plans only the lines an edit
   * changed, but a scene's own edit, or its failure last time, leaves it stale too)
   */
  selected: ReadonlySet<string> | 'all';
  force: boolean;
}

function isSelected(scene: { lines: readonly { out: string }[] }, selected: SceneRun['selected']): boolean {
  return selected === 'all' || scene.lines.some((line) => selected.has(line.out));
}

export async function buildScenes(ctx: BuildContext, run: SceneRun): Promise<void> {
  if ((ctx.project.scenes ?? []).length === 0) return;
  const gathered = await gatherScenes(ctx.project, ctx.store);
  const { scenes } = planScenes(gathered, ctx.store.lock, [], run.force);
  for (const [i, item] of scenes.entries()) {
    if (item.action === 'up-to-date' || !isSelected(item.scene, run.selected)) continue;
    if (ctx.signal.aborted) return;
    const output = gathered.facts[i]?.output ?? { exists: false };
    try {
      await buildScene(ctx, item, output);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      failScene(ctx, item.scene, error);
    }
  }
}

async function buildScene(ctx: BuildContext, item: PlannedScene, output: OutputState): Promise<void> {
  const { scene } = item;
  if (item.action === 'keep-modified') {
    ctx.emit({ type: 'kept', asset: scene.id, out: scene.out, reason: `scene file ${item.reason}` });
    return;
  }
  if (item.lines === undefined) {
    const which = item.pending.map((n) => `${n} (${scene.lines[n - 1]?.id ?? '?'})`).join(', ');
    const message = `scene ${scene.id} was not made: line ${which} is not built (failed, missing or changed since); ${scene.out} is left as it was`;
    throw new KieaudioError('E_SCENE_INCOMPLETE', message);
  }
  const tools = await postTools(ctx);
  const lines = await sceneLines(ctx, scene, item.lines, async () => tools.runner);
  const layout = sceneLayout(scene, lines);
  const key = sceneKey(scene, lines, layout, tools.ffmpeg);
  const { starts, duration } = segmentOffsets(lines, layout);
  const hit = await ctx.store.derived.lookup(key);
  // a file that is not recorded is kieaudio's only when it is this very scene file (a build killed before its lock write)
  if (item.foreign && (hit === undefined || !output.exists || hit.contentHash !== output.contentHash)) {
    ctx.emit({
      type: 'kept',
      asset: scene.id,
      out: scene.out,
      reason: 'a scene file kieaudio did not write is at out: left alone (--force replaces it)',
    });
    return;
  }
  const dest = outputPath(ctx.project, scene.out);
  await ctx.outFolders.prepare(dest);
  // a scene of --offline placeholders is made like any other, but never cached (as they are not)
  const placeholder = scene.lines.some((line) => ctx.store.lock.assets[line.out]?.placeholder === true);
  const make = (file: string) => concatArgs(lines, layout, scene.format, file);
  const s = { scene, lines, key, hit, dest, duration };
  const made = placeholder ? await makeUncached(ctx, s, make) : await installScene(ctx, s, make);
  const sidecars = await writeSceneSubtitles(ctx, scene, await cueLines(ctx, lines, starts));
  ctx.lockWriter.setScene(
    scene.out,
    sceneRecord(scene, lines, made.record, { ffmpeg: tools.ffmpeg, key }, sidecars, ctx.store.lock.assets),
  );
  const { record } = made;
  ctx.emit({
    type: 'scene',
    asset: scene.id,
    out: scene.out,
    from: made.from,
    lines: lines.length,
    durationSeconds: duration,
    bytes: record.size,
    subtitles: Object.keys(sidecars),
  });
}

interface SceneInstall {
  scene: ResolvedScene;
  lines: readonly SceneLine[];
  key: string;
  hit: CacheRecord | undefined;
  dest: string;
  duration: number;
}

/** The scene file at `dest`: copied from the derived cache, else made by ffmpeg into the cache first. */
async function installScene(
  ctx: BuildContext,
  s: SceneInstall,
  /** the ffmpeg arguments that make the scene file into `file` */
  args: (file: string) => string[],
): Promise<{ record: CacheRecord; from: 'ffmpeg' | 'derived-cache' }> {
  const store = ctx.store.derived;
  ctx.store.statIndex.forget(s.scene.out);
  if (s.hit !== undefined && (await store.copyTo(s.key, s.dest, ctx.signal))) return { record: s.hit, from: 'derived-cache' };
  const data = store.dataPath(s.key);
  await ctx.cacheFolders.prepare(data);
  const temp = tempPathFor(data);
  try {
    const { runner } = await postTools(ctx);
    await runner.run(args(temp), { signal: ctx.signal });
    const { sha256, size } = await hashFile(temp, ctx.signal);
    await rename(temp, data);
    const record = sceneCacheRecord(s, sha256, size);
    await store.commit(s.key, record);
    if (!(await store.copyTo(s.key, s.dest, ctx.signal)))
      throw new KieaudioError('E_IO', `the scene file ${s.scene.out} was damaged right after it was written`);
    return { record, from: 'ffmpeg' };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    releaseTemp(temp);
  }
}

/** A scene of placeholders: made into a temp file beside `out` and renamed, never cached. */
async function makeUncached(
  ctx: BuildContext,
  s: SceneInstall,
  args: (file: string) => string[],
): Promise<{ record: CacheRecord; from: 'ffmpeg' }> {
  ctx.store.statIndex.forget(s.scene.out);
  const temp = tempPathFor(s.dest);
  try {
    const { runner } = await postTools(ctx);
    await runner.run(args(temp), { signal: ctx.signal });
    const { sha256, size } = await hashFile(temp, ctx.signal);
    await rename(temp, s.dest);
    return { record: sceneCacheRecord(s, sha256, size), from: 'ffmpeg' };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    releaseTemp(temp);
  }
}

/** What the derived cache records of a scene file (and the lock takes its duration from). */
function sceneCacheRecord(s: SceneInstall, contentHash: string, size: number): CacheRecord {
  const linesDigest = sha256Hex(s.lines.map((line) => line.contentHash).join('\n'));
  return {
    contentHash,
    size,
    model: 'scene',
    post: { raw: linesDigest, measured: { loudness: null, truePeak: null, duration: Number(s.duration.toFixed(3)) } },
  };
}

/** The scene's subtitle files, written atomically; their paths with the SHA-256 of what was written. */
async function writeSceneSubtitles(
  ctx: BuildContext,
  scene: ResolvedScene,
  lines: Parameters<typeof sceneCues>[0],
): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  const paths = sceneSubtitlePaths(scene);
  if (paths.length === 0) return written;
  // the subtitle library loads only when a subtitle file is written (see timings/formats.ts)
  const { subtitleText } = await import('../timings/subtitle-text.js');
  const cues = sceneCues(lines);
  for (const [i, format] of scene.subtitles.entries()) {
    const path = paths[i] as string;
    const text = subtitleText(cues, format);
    await writeFileAtomic(outputPath(ctx.project, path), text);
    ctx.store.statIndex.forget(path);
    written[path] = sha256Hex(text);
  }
  return written;
}

function sceneRecord(
  scene: ResolvedScene,
  lines: readonly SceneLine[],
  record: CacheRecord,
  made: { ffmpeg: string; key: string },
  sidecars: Record<string, string>,
  lineEntries: LockFile['assets'],
): SceneLockEntry {
  const entry: SceneLockEntry = {
    id: scene.id,
    contentHash: record.contentHash,
    size: record.size,
    gap: scene.gap,
    lines: lines.map((line) => ({
      id: line.asset.id,
      out: line.asset.out,
      contentHash: line.contentHash,
      ...(scene.subtitles.length > 0 ? { sidecars: lineSidecarsDigest(lineEntries[line.asset.out]) } : {}),
    })),
    duration: record.post?.measured.duration ?? 0,
    ...made,
  };
  return Object.keys(sidecars).length === 0 ? entry : { ...entry, sidecars };
}

function failScene(ctx: BuildContext, scene: ResolvedScene, error: unknown): void {
  const code = error instanceof KieaudioError ? error.code : 'E_FFMPEG_FAILED';
  const message =
    error instanceof KieaudioError && code === 'E_SCENE_INCOMPLETE'
      ? error.message
      : `scene file ${scene.out} of scene ${scene.id} failed, left as it was: ${messageOf(error)}`;
  ctx.emit({ type: 'failed', asset: scene.id, out: scene.out, code, message, maybeCharged: false });
}
