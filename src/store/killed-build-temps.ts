/**
 * Temp files a killed build left behind. Every build sweeps the few folders it always writes to
 * (the project root, the state folder, the journal) and each output or cache folder it writes
 * into. A killed build can also have been writing where the next build writes nothing: a cache
 * record it was refreshing, a result whose output the next build adopts. Those are found here by
 * looking in every folder kieaudio writes to — once, by the build that takes over a dead build's
 * lock (before anything else, so that a build stopping early does not lose the chance), and by
 * `clean`.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import type { Project } from '../project.js';
import { sweepStaleTemps } from './atomic-write.js';
import { JOURNAL_DIR } from './journal.js';
import { outputPath } from './project-store.js';

/** Folders swept at once: enough to overlap readdirs, few enough to stay clear of file limits. */
const SWEEP_CONCURRENCY = 16;

/** The folders every build sweeps before writing: cheap, a handful of readdirs. */
export function stateFolders(project: Project): string[] {
  return [project.config.rootDir, project.config.stateDir, join(project.config.stateDir, JOURNAL_DIR)];
}

/**
 * Deletes (with `dryRun`, counts) the temp files of dead kieaudio processes in every folder
 * kieaudio writes to: the state folders, each cache shard (and take index shard), and each folder holding a declared
 * output or one of `lockedOuts` (for `clean`, which also deals with outputs no longer declared).
 * Those of live processes stay.
 */
export async function sweepKilledBuildTemps(
  project: Project,
  lockedOuts: Iterable<string> = [],
  options: { dryRun?: boolean } = {},
): Promise<number> {
  const { cacheDir } = project.config;
  const folders = new Set(stateFolders(project));
  // Both kinds of `out` are safe relative paths: validated in specs, checked when the lock is read.
  for (const out of [...project.assets.map((a) => a.out), ...lockedOuts]) folders.add(dirname(outputPath(project, out)));
  // the cache's shards, and those of its take index (takes.ts) and of derived outputs (build/process.ts)
  for (const dir of [cacheDir, join(cacheDir, 'takes'), join(cacheDir, 'derived')]) {
    for (const shard of await readdir(dir).catch(() => [])) {
      if (/^[0-9a-f]{2}$/.test(shard)) folders.add(join(dir, shard));
    }
  }
  const limit = pLimit(SWEEP_CONCURRENCY);
  const counts = await Promise.all([...folders].map((folder) => limit(() => sweepStaleTemps(folder, { dryRun: options.dryRun === true }))));
  return counts.reduce((a, b) => a + b, 0);
}
