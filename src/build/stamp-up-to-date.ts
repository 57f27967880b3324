/**
 * Writing the up-to-date stamp (up-to-date-stamp.ts) after a build that found everything up to
 * date and did nothing: every asset planned up to date, no scene to make, nothing generated,
 * restored, failed, kept or held. Any other build removes the stamp before it writes anything.
 */

import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BuildEvent, BuildSummary } from '../events.js';
import type { Plan } from '../plan/decide.js';
import type { Project } from '../project.js';
import { stateFile } from '../spec/snapshot-head.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { JOURNAL_DIR } from '../store/journal.js';
import { LOCK_FILE_NAME } from '../store/lock-file.js';
import type { ProjectStore } from '../store/project-store.js';
import {
  ffmpegEnv,
  newStamp,
  optionsKey,
  type PathStamp,
  type StampOptions,
  settledBefore,
  stampPath,
  UP_TO_DATE_FILE,
} from './up-to-date-stamp.js';

export { isPlainBuild } from './up-to-date-stamp.js';

/**
 * Before a build writes anything: whatever it does, the stamp no longer describes the project. Only
 * a second safeguard (what the build writes changes stat data the stamp holds by), so a read-only
 * checkout, where a no-op build must still work, is no error.
 */
export async function dropStamp(project: Project): Promise<void> {
  await rm(stateFile(project.config, UP_TO_DATE_FILE), { force: true }).catch(() => undefined);
}

export interface FinishedBuild {
  project: Project;
  store: ProjectStore;
  plan: Plan;
  summary: BuildSummary;
  /** when the build started: a file changed since may not be what it saw */
  startedAt: number;
  /** the state files (stateStamps) as they were before the build read them */
  stateBefore: readonly (PathStamp | undefined)[];
  /** what the build said before its summary */
  events: readonly BuildEvent[];
  options: StampOptions;
  head: Parameters<typeof newStamp>[0]['head'] | undefined;
}

export async function saveStampIfUpToDate(build: FinishedBuild): Promise<void> {
  const { project, store, head } = build;
  if (head === undefined || !didNothing(build)) return;
  const paths: PathStamp[] = [];
  for (const [path, s] of store.statIndex.checked()) paths.push(s === undefined ? [path] : [path, ...s]);
  const state = stateStamps(project);
  // changed while the build ran (a checkout, `kieaudio pin` elsewhere): what it read is not what is there
  if (!isDeepStrictEqual(state, build.stateBefore)) return;
  const ffmpeg = usesFfmpeg(project) ? await ffmpegStamp() : undefined;
  const binaries = ffmpeg?.binaries ?? [];
  // a file the build read may have changed after it read it: only files untouched since it started are vouched for
  if (!settledBefore(paths, build.startedAt) || !settledBefore(state, build.startedAt) || !settledBefore(binaries, build.startedAt)) return;
  const stamp = newStamp({
    options: optionsKey(build.options),
    head,
    takenAt: Date.now(),
    paths,
    state,
    ...(ffmpeg ? { ffmpeg: { env: ffmpeg.env, binaries } } : {}),
    events: [...build.events],
    summary: build.summary,
  });
  await writeFileAtomic(stateFile(project.config, UP_TO_DATE_FILE), JSON.stringify(stamp), { durable: false });
}

/** Chains are run with ffmpeg, and the manifest and the review page measure outputs with it (delivery/media-facts.ts). */
function usesFfmpeg(project: Project): boolean {
  const { manifest, report } = project.config;
  return manifest !== undefined || report !== undefined || project.assets.some((asset) => asset.post !== undefined);
}

/** What decides the ffmpeg a build runs, as the outputs were judged (and measured) with it. */
async function ffmpegStamp(): Promise<{ env: [string | null, string | null]; binaries: (PathStamp | undefined)[] }> {
  const { ffmpegCandidates } = await import('../ffmpeg/locate.js');
  return { env: ffmpegEnv(), binaries: (await ffmpegCandidates()).map((path) => stampPath(path, true)) };
}

/**
 * What a build that did nothing may have said and another would say the same way. Anything else
 * (waiting for another build's lock, a team cache exchange, a retry) happened to this one.
 */
const REPEATABLE = new Set<BuildEvent['type']>(['planned', 'warning', 'budget']);

export function isRepeatable(event: BuildEvent): boolean {
  return REPEATABLE.has(event.type);
}

function didNothing({ plan, summary, events }: FinishedBuild): boolean {
  if (!events.every(isRepeatable)) return false;
  const idle =
    summary.generated +
      summary.resumed +
      summary.recovered +
      summary.restored +
      summary.failed +
      summary.kept +
      summary.notStarted +
      summary.held ===
      0 && summary.possibleDuplicateCharges === 0;
  return (
    idle && plan.items.every((item) => item.action.type === 'up-to-date') && (plan.scenes?.scenes ?? []).every((s) => s.action !== 'build')
  );
}

/** Besides the outputs, the files whose change could change what a build decides or says, as they are now. */
export function stateStamps(project: Project): (PathStamp | undefined)[] {
  return stateFiles(project).map((path) => stampPath(path, true));
}

function stateFiles(project: Project): string[] {
  const { config } = project;
  const delivered = [config.manifest?.json, config.manifest?.csv, config.report ? join(config.report.out, 'index.html') : undefined];
  return [
    join(config.rootDir, LOCK_FILE_NAME),
    join(config.stateDir, JOURNAL_DIR),
    join(dirname(config.configPath), '.env'),
    ...delivered.filter((path) => path !== undefined),
  ];
}
