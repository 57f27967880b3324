/**
 * Deciding what a build does with each scene file, and why: pure, like decide.ts, so that `plan`,
 * `status`, `build --frozen` and `build` agree. A scene file is made again when one of its lines
 * will change or has changed, when `gap` changed, when it is missing, or when a subtitle file of
 * it is; a file at its `out` that kieaudio did not write (or that was edited since) is left alone
 * unless --force.
 */
import type { ResolvedScene } from '../project.js';
import type { LockFile, SceneLockEntry } from '../store/lock-file.js';
import type { OutputState } from '../store/stat-index.js';
import type { PlannedAsset } from './decide.js';
import { type GatheredScenes, type SceneFacts, sceneSubtitlePaths } from './scene-facts.js';

export type SceneAction = 'up-to-date' | 'build' | 'keep-modified';

export interface PlannedScene {
  scene: ResolvedScene;
  action: SceneAction;
  reason: string;
  /** the lines' output hashes, in order, when every line is current now */
  lines: string[] | undefined;
  /** 1-based numbers of the lines whose output is not current now (a build makes them first) */
  pending: number[];
  /** the file at `out` is not one kieaudio recorded: it may be adopted from the derived cache, else is kept */
  foreign: boolean;
}

export interface SceneOrphan {
  out: string;
  entry: SceneLockEntry;
  exists: boolean;
  /** the file still holds what kieaudio wrote (so `clean` may delete it) */
  intact: boolean;
}

export interface ScenePlan {
  scenes: PlannedScene[];
  orphans: SceneOrphan[];
}

const SAME_AUDIO: ReadonlySet<string> = new Set(['up-to-date', 'keep-modified', 'sidecars']);

/** `items`: the assets' plan, when it is made before their work (their changes make the scene's). */
export function planScenes(gathered: GatheredScenes, lock: LockFile, items: readonly PlannedAsset[], force: boolean): ScenePlan {
  // lines whose audio the build replaces (not those whose sidecars alone are written, or left alone)
  const changing = new Set(items.filter((i) => !SAME_AUDIO.has(i.action.type)).map((i) => i.asset.out));
  const resubtitled = new Set(items.filter((i) => i.action.type === 'sidecars').map((i) => i.asset.out));
  const scenes = gathered.facts.map((f) => planScene(f, lock.scenes?.[f.scene.out], { changing, resubtitled }, force));
  const orphans: SceneOrphan[] = [];
  for (const [out, state] of gathered.orphans) {
    const entry = lock.scenes?.[out];
    if (entry === undefined) continue;
    orphans.push({ out, entry, exists: state.exists, intact: state.exists && state.contentHash === entry.contentHash });
  }
  return { scenes, orphans };
}

/** What the build does to the lines first: replaces their audio, or writes their sidecars alone. */
interface LineWork {
  changing: ReadonlySet<string>;
  resubtitled: ReadonlySet<string>;
}

function planScene(f: SceneFacts, record: SceneLockEntry | undefined, work: LineWork, force: boolean): PlannedScene {
  const pending = f.lines.flatMap((line, i) => (line.contentHash === undefined || work.changing.has(line.out) ? [i + 1] : []));
  const lines = pending.length === 0 ? f.lines.map((line) => line.contentHash ?? '') : undefined;
  const plan = (action: SceneAction, reason: string, foreign = false): PlannedScene => ({
    scene: f.scene,
    action,
    reason,
    lines,
    pending,
    foreign,
  });
  const why = whyScene(f, record, pending, work.resubtitled);
  if (why === undefined) return plan('up-to-date', 'up to date');
  const output = f.output;
  if (record === undefined && output.exists) {
    if (output.contentHash === undefined) return plan('keep-modified', 'not a regular file: left alone');
    return force ? plan('build', `${why} (--force replaces the file at out)`) : plan('build', why, true);
  }
  if (record !== undefined && output.exists && output.contentHash !== record.contentHash) {
    return force
      ? plan('build', 'modified by hand (--force replaces it)')
      : plan('keep-modified', 'modified by hand: left alone (--force replaces it)');
  }
  return plan('build', why);
}

/** Why the scene file must be made again, undefined when it need not be. */
function whyScene(
  f: SceneFacts,
  record: SceneLockEntry | undefined,
  pending: readonly number[],
  resubtitled: ReadonlySet<string>,
): string | undefined {
  const changed = (n: number) => `line ${n} changed`;
  if (record === undefined) return f.output.exists ? 'not recorded in the lock' : 'new';
  if (pending.length > 0) return pending.map(changed).join(', ');
  if (record.lines.length !== f.lines.length) return 'lines added or removed';
  const differing = f.lines.flatMap((line, i) => (record.lines[i]?.contentHash === line.contentHash ? [] : [i + 1]));
  if (differing.length > 0) return differing.map(changed).join(', ');
  if (record.gap !== f.scene.gap) return 'gap changed';
  if (f.scene.subtitles.length > 0) {
    const same = (i: number) => record.lines[i]?.sidecars === f.lines[i]?.sidecars && !resubtitled.has(f.lines[i]?.out ?? '');
    const retimed = f.lines.flatMap((_, i) => (same(i) ? [] : [i + 1]));
    if (retimed.length > 0) return retimed.map((n) => `line ${n}'s subtitles changed`).join(', ');
  }
  if (!f.output.exists) return 'scene file missing';
  if (f.output.contentHash !== record.contentHash) return 'modified by hand';
  return subtitlesStale(f, record);
}

function subtitlesStale(f: SceneFacts, record: SceneLockEntry): string | undefined {
  const wanted = sceneSubtitlePaths(f.scene);
  const recorded = record.sidecars ?? {};
  const intact = (path: string, state: OutputState | undefined) => state?.exists === true && state.contentHash === recorded[path];
  if (wanted.some((path) => !intact(path, f.sidecars.get(path)))) return 'scene subtitles missing or changed';
  if (Object.keys(recorded).some((path) => !wanted.includes(path))) return 'scene subtitles no longer asked for';
  return undefined;
}
