/**
 * A no-op `kieaudio build` without loading anything: when the up-to-date stamp holds
 * (up-to-date-stamp.ts) the build would find everything up to date and say what the stamped one
 * said, so that is said again — the project, the lock and the stat index are not even read. This
 * module imports only what checking the stamp needs, so that the whole no-op costs a few stats per
 * output on top of Node's start.
 *
 * The library's `build()` returns the project and the plan, so it always loads them; the CLI, which
 * needs only the events and the summary, asks here first.
 */
import type { BuildEvent, BuildSummary } from '../events.js';
import { locateProject } from '../spec/locate-project.js';
import { headHolds, stateFile } from '../spec/snapshot-head.js';
import { BUILD_LOCK_FILE } from '../store/build-lock.js';
import { pathExists } from '../store/path-exists.js';
import {
  ffmpegHolds,
  isPlainBuild,
  optionsKey,
  pathsHold,
  readStamp,
  type StampableOptions,
  UP_TO_DATE_FILE,
  type UpToDateStamp,
} from './up-to-date-stamp.js';

export interface UpToDateOptions extends StampableOptions {
  cwd?: string;
  configPath?: string;
  env?: Record<string, string | undefined>;
  onEvent?: (event: BuildEvent) => void;
}

/** The summary of a build that had nothing to do, its events told; undefined: run the build. */
export async function replayUpToDate(options: UpToDateOptions): Promise<BuildSummary | undefined> {
  const startedAt = Date.now();
  if (!isPlainBuild(options)) return undefined;
  let where: Awaited<ReturnType<typeof locateProject>>;
  try {
    where = await locateProject(options);
  } catch {
    // no config, say: the build says why, as it always does
    return undefined;
  }
  const stamp = await readStamp(stateFile(where, UP_TO_DATE_FILE));
  if (stamp === undefined || stamp.options !== optionsKey(options)) return undefined;
  // another build running (or one that died holding the lock, whose temp files the build sweeps)
  if (await pathExists(stateFile(where, BUILD_LOCK_FILE))) return undefined;
  if (!(await stampHolds(stamp, where))) return undefined;
  const onEvent = options.onEvent ?? (() => undefined);
  for (const event of stamp.events) onEvent(event);
  const summary: BuildSummary = { ...stamp.summary, durationMs: Date.now() - startedAt };
  onEvent({ type: 'summary', ...summary });
  return summary;
}

/** Every file as stamped, the same ffmpeg, the same project: a file system error is a "no" (the build then says why, if it must). */
async function stampHolds(stamp: UpToDateStamp, where: Awaited<ReturnType<typeof locateProject>>): Promise<boolean> {
  try {
    return pathsHold(stamp.paths) && pathsHold(stamp.state, true) && ffmpegHolds(stamp.ffmpeg) && (await headHolds(stamp.head, where));
  } catch {
    return false;
  }
}
