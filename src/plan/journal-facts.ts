/**
 * What the journal tells a build, sorted by what can be done with it: tasks to resume (paid, not
 * yet installed), create requests that never got an answer (each may have been charged: held
 * until the user says to send them again), entries whose work is done, entries of another API,
 * and files that cannot be read. Reads only; the build acts on it (build/execute.ts).
 */
import { type DamagedJournalFile, isResumable, type JournalEntry, type ResumableTask } from '../store/journal.js';
import type { LockFile } from '../store/lock-file.js';
import type { ProjectStore } from '../store/project-store.js';

/** A create request that may have made (and billed) a task nobody can find. */
export interface UnansweredCreate {
  specHash: string;
  /** when it was sent (ISO); undefined when the record that said so is damaged */
  sentAt: string | undefined;
  /**
   * `no answer`: sent, nothing came back; `interrupted`: the build stopped before the answer was
   * recorded; `in flight`: a build running now is waiting for the answer; `damaged`: its journal
   * entry cannot be read
   */
  why: 'no answer' | 'interrupted' | 'in flight' | 'damaged';
  /** the entry as it is on disk (none for a damaged one) */
  entry?: JournalEntry;
}

export interface JournalFacts {
  /** by spec hash */
  resumable: Map<string, ResumableTask>;
  /** by spec hash */
  unanswered: Map<string, UnansweredCreate>;
  /** tasks whose results are already in the lock or the cache (a crash before the entry went) */
  finished: JournalEntry[];
  /** entries of another API (another base URL, or any entry in an --offline build) */
  foreign: JournalEntry[];
  /** files of this API's journal that cannot be read as entries: the build sets them aside */
  damaged: DamagedJournalFile[];
  /** damaged files of another API (or of any API, in an --offline build): left where they are */
  foreignDamaged: DamagedJournalFile[];
}

export async function readJournalFacts(
  store: ProjectStore,
  api: { baseUrl: string; offline: boolean; buildRunning?: boolean },
): Promise<JournalFacts> {
  const listing = await store.journal.list();
  const facts: JournalFacts = { resumable: new Map(), unanswered: new Map(), finished: [], foreign: [], damaged: [], foreignDamaged: [] };
  // the lock's task ids, gathered only when the journal holds a task to look up (most builds' does not)
  let lockedTasks: Set<string> | undefined;
  const inLock = (taskId: string) => {
    lockedTasks ??= tasksInLock(store.lock);
    return lockedTasks.has(taskId);
  };
  for (const entry of listing.entries) {
    if (api.offline || entry.baseUrl !== api.baseUrl) {
      facts.foreign.push(entry);
    } else if (isResumable(entry)) {
      const done = inLock(entry.taskId) || (await store.cache.lookup(entry.specHash))?.taskId === entry.taskId;
      if (done) facts.finished.push(entry);
      else facts.resumable.set(entry.specHash, entry);
    } else {
      // `creating` found by a build that holds the build lock: the build that wrote it is gone
      const why = entry.state === 'unanswered' ? 'no answer' : api.buildRunning ? 'in flight' : 'interrupted';
      facts.unanswered.set(entry.specHash, { specHash: entry.specHash, sentAt: entry.createdAt || undefined, why, entry });
    }
  }
  for (const file of listing.damaged) {
    // only this API's build can tell what another API's entry still holds, and act on it
    const ours = !api.offline && file.apiId === store.journal.apiId;
    if (!ours) {
      facts.foreignDamaged.push(file);
      continue;
    }
    facts.damaged.push(file);
    noteDamaged(facts, file, api.baseUrl);
  }
  return facts;
}

/** What a damaged entry of this API still tells: a task id to resume, or at least a spec to hold. */
function noteDamaged(facts: JournalFacts, file: DamagedJournalFile, baseUrl: string): void {
  const { specHash } = file;
  if (specHash === undefined || facts.resumable.has(specHash) || facts.unanswered.has(specHash)) return;
  if (file.taskId !== undefined) {
    facts.resumable.set(specHash, { specHash, state: 'created', taskId: file.taskId, model: '', baseUrl, out: '', createdAt: '' });
  } else {
    facts.unanswered.set(specHash, { specHash, sentAt: undefined, why: 'damaged' });
  }
}

function tasksInLock(lock: LockFile): Set<string> {
  const tasks = new Set<string>();
  for (const entry of Object.values(lock.assets)) if (entry.taskId) tasks.add(entry.taskId);
  return tasks;
}
