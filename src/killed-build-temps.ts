/**
 * Temp files a killed build left behind. Every build sweeps the few folders it always writes to
 * (the project root, the state folder, the journal) and each output or cache folder it writes
 * into. A killed build can also have been writing where the next build writes nothing: a cache
 * record it was refreshing, a result whose output the next build adopts. Those are found here by
 * looking in every folder kieaudio writes to — once, by the build that takes over a dead build's
 * lock, and by `clean`.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { outputPath } from './gather.js';
import type { Project } from './project.js';
import { sweepStaleTemps } from './store/atomic-write.js';
import { JOURNAL_DIR } from './store/journal.js';

/** The folders every build sweeps before writing: cheap, a handful of readdirs. */
export function stateFolders(project: Project): string[] {
  return [project.config.rootDir, project.config.stateDir, join(project.config.stateDir, JOURNAL_DIR)];
}

/**
 * Deletes (with `dryRun`, counts) the temp files of dead kieaudio processes in every folder
 * kieaudio writes to: the state folders, each folder holding a declared or locked output, and
 * each cache shard. Those of live processes stay.
 */
export async function sweepKilledBuildTemps(project: Project, lockedOuts: Iterable<string>, options: { dryRun?: boolean } = {}): Promise<number> {
  const folders = new Set(stateFolders(project));
  for (const out of project.assets.map((a) => a.out)) folders.add(dirname(outputPath(project, out)));
  for (const out of lockedOuts) folders.add(dirname(outputPath(project, out)));
  for (const shard of await readdir(project.config.cacheDir).catch(() => [])) {
    if (/^[0-9a-f]{2}$/.test(shard)) folders.add(join(project.config.cacheDir, shard));
  }
  let removed = 0;
  for (const folder of folders) removed += await sweepStaleTemps(folder, { dryRun: options.dryRun === true });
  return removed;
}
