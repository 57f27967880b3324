/**
 * What the lock knows of the results made from each spec, for the two cases where the local copies
 * are gone or cannot be trusted: a damaged cache record (is the data beside it the result the lock
 * records?), and an output whose cache entry is gone too (rm -rf .kieaudio, a fresh clone): the
 * lock still names the task that made it, and kie.ai keeps results 14 days (docs/kie-api.md §5),
 * so the result can be fetched again at no charge. Only a task of the same API qualifies: a task
 * id means nothing to another server, and one must not be polled there.
 */
import type { LockEntry, LockFile } from '../store/lock-file.js';

/** How long kie.ai keeps a task's result (docs/kie-api.md §5). */
export const KIE_RETENTION_MS = 14 * 24 * 3600_000;

/** Whether a lock's task can be asked for its result again, and if not, why not. */
export type LockTaskStatus = 'recoverable' | 'expired' | 'other-api' | 'unknown-api';

export interface LockTask {
  taskId: string;
  status: LockTaskStatus;
  /** when the task was created, as the lock records it (entries made before it did have none) */
  generatedAt?: string | undefined;
  /** the API it was made on, for the reason when it is not this one */
  baseUrl?: string | undefined;
}

/** The lock's entries of real (not placeholder) results, by spec hash. */
export function lockEntriesBySpec(lock: LockFile): Map<string, Array<{ out: string; entry: LockEntry }>> {
  const bySpec = new Map<string, Array<{ out: string; entry: LockEntry }>>();
  for (const [out, entry] of Object.entries(lock.assets)) {
    if (entry.placeholder) continue;
    const list = bySpec.get(entry.specHash);
    if (list) list.push({ out, entry });
    else bySpec.set(entry.specHash, [{ out, entry }]);
  }
  return bySpec;
}

/** The same as `lockEntriesBySpec(lock).get(specHash)`, for one spec: a scan, cheaper than the index when few specs are asked for. */
export function lockEntriesOfSpec(lock: LockFile, specHash: string): Array<{ out: string; entry: LockEntry }> {
  const found: Array<{ out: string; entry: LockEntry }> = [];
  for (const out in lock.assets) {
    const entry = lock.assets[out];
    if (entry !== undefined && !entry.placeholder && entry.specHash === specHash) found.push({ out, entry });
  }
  return found;
}

const RANK: Record<LockTaskStatus, number> = { recoverable: 0, expired: 1, 'other-api': 2, 'unknown-api': 3 };

/**
 * The best task among `entries` (one spec's) to fetch the result of again: a recoverable one
 * first, the entry of `out` itself before others. Undefined when no entry has a task id.
 */
export function lockTaskFor(
  entries: ReadonlyArray<{ out: string; entry: LockEntry }> | undefined,
  out: string,
  api: { baseUrl: string; now: number },
): LockTask | undefined {
  let best: { task: LockTask; own: boolean } | undefined;
  for (const { out: from, entry } of entries ?? []) {
    if (entry.taskId === undefined) continue;
    const task: LockTask = { taskId: entry.taskId, status: statusOf(entry, api), generatedAt: entry.generatedAt, baseUrl: entry.baseUrl };
    const own = from === out;
    const better =
      best === undefined || RANK[task.status] < RANK[best.task.status] || (RANK[task.status] === RANK[best.task.status] && own);
    if (better) best = { task, own };
  }
  return best?.task;
}

function statusOf(entry: LockEntry, api: { baseUrl: string; now: number }): LockTaskStatus {
  if (entry.baseUrl === undefined) return 'unknown-api';
  if (entry.baseUrl !== api.baseUrl) return 'other-api';
  // An entry that does not say when its task was made is simply tried: the API says if it is gone.
  const made = entry.generatedAt === undefined ? Number.NaN : Date.parse(entry.generatedAt);
  return api.now - made > KIE_RETENTION_MS ? 'expired' : 'recoverable';
}
