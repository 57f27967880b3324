/**
 * Gathering what deciding a scene file needs (scene-plan.ts): the state of the file and its
 * subtitle files, and for each line whether its output is current (the lock records it for the
 * line's spec and the file holds what it records). Everything goes through the stat index, so a
 * no-op build reads no audio. Shared by `build` (before and after the assets' work), `plan`,
 * `status` and `clean`; it writes nothing.
 */
import type { Project, ResolvedScene } from '../project.js';
import { specHashOf } from '../spec/hash.js';
import { canonicalJson } from '../store/canonical-json.js';
import type { LockEntry, LockFile } from '../store/lock-file.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import { sha256Hex } from '../store/sha256.js';
import type { OutputState } from '../store/stat-index.js';
import { stemOf } from '../timings/sidecar-paths.js';

export interface SceneLineFacts {
  id: string;
  out: string;
  /** the line's output as the lock records it, when the file holds it and the spec is the recorded one */
  contentHash: string | undefined;
  /** lineSidecarsDigest of its lock entry */
  sidecars: string;
}

/** What a line's subtitles and timing data are, by the hashes its lock entry records of them: scene cues come from them. */
export function lineSidecarsDigest(entry: Pick<LockEntry, 'sidecars'> | undefined): string {
  return sha256Hex(canonicalJson(entry?.sidecars ?? {}));
}

export interface SceneFacts {
  scene: ResolvedScene;
  output: OutputState;
  lines: SceneLineFacts[];
  /** the scene's subtitle files (those it asks for and those its record names), by path */
  sidecars: ReadonlyMap<string, OutputState>;
}

export interface GatheredScenes {
  facts: SceneFacts[];
  /** the state of every recorded scene file that no scene declares any more */
  orphans: Map<string, OutputState>;
}

/** The scene's subtitle files: `<out without extension>.srt` / `.vtt`. */
export function sceneSubtitlePaths(scene: Pick<ResolvedScene, 'out' | 'subtitles'>): string[] {
  return scene.subtitles.map((format) => `${stemOf(scene.out)}.${format}`);
}

/** Whether the project has scene files to plan: declared ones, or recorded ones that may be orphans. */
export function hasScenes(project: Project, lock: LockFile): boolean {
  return (project.scenes ?? []).length > 0 || Object.keys(lock.scenes ?? {}).length > 0;
}

export async function gatherScenes(project: Project, store: ProjectStore): Promise<GatheredScenes> {
  const scenes = project.scenes ?? [];
  const assets = new Map(project.assets.map((a) => [a.out, a]));
  const check = (out: string) => store.statIndex.check(out, outputPath(project, out));
  const facts: SceneFacts[] = [];
  for (const scene of scenes) {
    const lines: SceneLineFacts[] = [];
    for (const line of scene.lines) {
      const asset = assets.get(line.out);
      const entry = store.lock.assets[line.out];
      const state = await check(line.out);
      const current =
        asset !== undefined &&
        entry !== undefined &&
        entry.specHash === specHashOf(asset) &&
        state.exists &&
        state.contentHash === entry.contentHash;
      lines.push({ ...line, contentHash: current ? entry.contentHash : undefined, sidecars: lineSidecarsDigest(entry) });
    }
    const sidecars = new Map<string, OutputState>();
    const recorded = Object.keys(store.lock.scenes?.[scene.out]?.sidecars ?? {});
    for (const path of new Set([...sceneSubtitlePaths(scene), ...recorded])) sidecars.set(path, await check(path));
    facts.push({ scene, output: await check(scene.out), lines, sidecars });
  }
  return { facts, orphans: await sceneOrphans(project, store.lock, check) };
}

async function sceneOrphans(
  project: Project,
  lock: LockFile,
  check: (out: string) => Promise<OutputState>,
): Promise<Map<string, OutputState>> {
  const declared = new Set((project.scenes ?? []).map((s) => s.out));
  const orphans = new Map<string, OutputState>();
  for (const out of Object.keys(lock.scenes ?? {}).sort()) if (!declared.has(out)) orphans.set(out, await check(out));
  return orphans;
}
