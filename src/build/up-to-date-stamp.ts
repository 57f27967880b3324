/**
 * The up-to-date stamp: what the last build that found everything up to date saw, and said. While
 * its head holds (the config, every spec file and table: spec/snapshot-head.ts) and every file the
 * build looked at has the same stat data (each output and sidecar, the lock, the journal, the
 * `.env`, the manifest and the review page), the same build would decide the same and say the same —
 * so `kieaudio build` says it again without loading the project, the lock or the stat index
 * (build/up-to-date.ts). As ninja decides from its log and the outputs' mtimes alone.
 *
 * A file changed within RACY_MS of the stamp could hide a later same-size edit in the same clock
 * tick: a build that saw such a file writes no stamp (the next no-op build will).
 */
import { lstatSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { BuildEvent, BuildSummary } from '../events.js';
import { RACY_MS, type SnapshotHead } from '../spec/snapshot-head.js';

export const UP_TO_DATE_FILE = 'up-to-date.json';
const STAMP_VERSION = 2;

/** A path and its stat data (size, mtimeMs, ctimeMs, ino), or the path alone: nothing was there. */
export type PathStamp = [path: string, size: number, mtimeMs: number, ctimeMs: number, ino: number] | [path: string];

export interface UpToDateStamp {
  v: number;
  /** the build options the stamp holds for (optionsKey) */
  options: string;
  head: SnapshotHead;
  takenAt: number;
  /** outputs and sidecars, as the stat index saw them (lstat) */
  paths: PathStamp[];
  /** the lock, the journal folder, `.env`, the manifest and the review page (stat: through links) */
  state: PathStamp[];
  /**
   * for a project with post-processing chains, a manifest or a review page: the ffmpeg a build
   * would find decides whether chained outputs are up to date and measures what the manifest says
   * (ffmpeg/locate.ts), so what decides that ffmpeg is stamped too —
   * KIEAUDIO_FFMPEG and PATH, and each candidate binary (stat data of what a link leads to)
   */
  ffmpeg?: { env: [string | null, string | null]; binaries: PathStamp[] };
  /** what the build said, in order, up to its summary */
  events: BuildEvent[];
  summary: BuildSummary;
}

/** What a build may be asked besides the project; only a plain build (no --only, --force, --frozen…) is stamped. */
export interface StampOptions {
  offline?: boolean | undefined;
  maxCredits?: number | undefined;
  remoteCacheReadOnly?: boolean | undefined;
}

/** What a build is asked: only a plain one is stamped (its decisions depend on nothing else). */
export interface StampableOptions extends StampOptions {
  only?: readonly string[] | undefined;
  force?: boolean | undefined;
  regenerate?: boolean | undefined;
  resendUnanswered?: boolean | undefined;
  frozen?: boolean | undefined;
}

export function isPlainBuild(options: StampableOptions): boolean {
  return (
    (options.only ?? []).length === 0 &&
    options.force !== true &&
    options.regenerate !== true &&
    options.resendUnanswered !== true &&
    options.frozen !== true
  );
}

export function optionsKey(options: StampOptions): string {
  return JSON.stringify([options.offline === true, options.maxCredits ?? null, options.remoteCacheReadOnly === true]);
}

export function newStamp(fields: Omit<UpToDateStamp, 'v'>): UpToDateStamp {
  return { v: STAMP_VERSION, ...fields };
}

/** The stamp at `path`, if there is one of this format. */
export async function readStamp(path: string): Promise<UpToDateStamp | undefined> {
  try {
    const stamp = JSON.parse(await readFile(path, 'utf8')) as UpToDateStamp;
    return stamp.v === STAMP_VERSION ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The path's stat data now: lstat (a symlink is itself, as the stat index sees outputs), or with
 * `follow` what a link leads to (a linked `.env`, an executable on PATH an upgrade replaces behind
 * its link). Nothing there (or a file where a folder on the way should be) is the path alone;
 * undefined when the file system will not say (permissions, a link loop): nothing can be vouched for.
 */
export function stampPath(path: string, follow = false): PathStamp | undefined {
  try {
    const s = (follow ? statSync : lstatSync)(path);
    return [path, s.size, s.mtimeMs, s.ctimeMs, s.ino];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? [path] : undefined;
  }
}

/** Every path as stamped: the same stat data, or still nothing there. */
export function pathsHold(paths: readonly PathStamp[], follow = false): boolean {
  for (const stamped of paths) {
    const now = stampPath(stamped[0], follow);
    // compared by hand: this runs once per output of a no-op build, where isDeepStrictEqual costs 7× as much
    if (now === undefined || now.length !== stamped.length) return false;
    for (let i = 1; i < now.length; i++) if (now[i] !== stamped[i]) return false;
  }
  return true;
}

/** KIEAUDIO_FFMPEG and PATH as they decide which ffmpeg is run (ffmpeg/locate.ts reads the process's environment). */
export function ffmpegEnv(): [string | null, string | null] {
  return [process.env.KIEAUDIO_FFMPEG ?? null, process.env.PATH ?? null];
}

/** The ffmpeg a build would run now is the one stamped (or the project has no use for one). */
export function ffmpegHolds(stamped: UpToDateStamp['ffmpeg']): boolean {
  if (stamped === undefined) return true;
  const [ffmpeg, path] = ffmpegEnv();
  return stamped.env[0] === ffmpeg && stamped.env[1] === path && pathsHold(stamped.binaries, true);
}

/**
 * No stamped file changed after `since` (a build's start: the stamp must not vouch for a change the
 * build did not see), nor so close to it that a later edit could share its timestamps.
 */
export function settledBefore(paths: readonly (PathStamp | undefined)[], since: number): paths is PathStamp[] {
  return paths.every((p) => p !== undefined && (p.length === 1 || (p[2] < since - RACY_MS && p[3] < since - RACY_MS)));
}
