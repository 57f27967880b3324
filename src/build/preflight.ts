/**
 * Checks that can fail are made before paying. Once the plan is known, and before the first file
 * is touched or the first task created, every place the build will write is tried: the lock
 * beside the config, and for paid work the journal and the cache. A read-only checkout, a full
 * disk or a state folder owned by another user then stops the build with one line naming the
 * path — instead of paying for tasks and failing to record them. Output folders are tried per
 * asset, just before that asset is paid for (store/out-dir-guard.ts).
 */
import { join } from 'node:path';
import type { Plan, PlannedAsset } from '../plan/decide.js';
import type { Project } from '../project.js';
import { JOURNAL_DIR } from '../store/journal.js';
import type { ProjectStore } from '../store/project-store.js';
import { probeWritable } from '../store/write-probe.js';

/** Actions that write an output and its lock entry. */
const WRITES = new Set(['restore', 'resume', 'generate', 'adopt']);

export async function checkWritable(
  project: Project,
  lockPath: string,
  plan: Plan,
  paid: readonly PlannedAsset[],
  offline: boolean,
): Promise<void> {
  // A no-op build writes nothing: it must keep working in a read-only checkout.
  if (!plan.items.some((i) => WRITES.has(i.action.type))) return;
  await probeWritable(lockPath, 'file');
  // --offline placeholders are neither journalled nor cached
  if (paid.length === 0 || offline) return;
  await probeWritable(join(project.config.stateDir, JOURNAL_DIR), 'folder');
  await probeWritable(project.config.cacheDir, 'folder');
}

/**
 * Post-processing needs ffmpeg: a missing or broken one (E_FFMPEG_MISSING, naming the override)
 * stops the build before it pays for results it could not process. Looked for only when some
 * asset to install has a chain.
 */
export async function checkFfmpeg(store: ProjectStore, plan: Plan, signal: AbortSignal | undefined): Promise<void> {
  if (!plan.items.some((i) => i.asset.post !== undefined && WRITES.has(i.action.type))) return;
  const { postTools } = await import('./post-tools.js');
  await postTools({ store, signal: signal ?? new AbortController().signal });
}
