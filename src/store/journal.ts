/**
 * The journal of tasks in flight: a task id is written down durably before kieaudio waits on it,
 * so a build that is interrupted (Ctrl-C, kill -9, power loss, a cancelled CI job) never pays for
 * the same spec again — the next build resumes polling that task instead of creating a new one.
 * One small file per spec hash: concurrent workers never rewrite each other's records. An entry is
 * written before the create request is sent, and again with the task id once it answers, so even
 * a crash in between is seen rather than silently forgotten. A request that got no answer stays
 * recorded (`unanswered`) until the asset is built another way or the user says to send it again:
 * it may have been charged. A file that cannot be read is never deleted: it is listed as damaged,
 * with whatever it still tells, and moved aside by the build (damaged-entry.ts).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { toKieaudioError } from '../errors.js';
import { isTempName, writeFileAtomic } from './atomic-write.js';
import { type DamagedJournalFile, describeDamage, moveDamagedAside } from './damaged-entry.js';
import { sha256Hex } from './sha256.js';

export type { DamagedJournalFile } from './damaged-entry.js';

const JournalEntrySchema = z.object({
  specHash: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * `creating`: a create request is about to be sent or is in flight — if a build finds this, the
   * process died before the answer was recorded, and the task may exist (and be billed) unseen.
   * `created`: the API answered with `taskId`.
   * `unanswered`: the request was sent and no answer came (`createdAt` is when): a task may exist
   * and be billed, and the API cannot find it. Not resent without the user's word.
   */
  state: z.enum(['creating', 'created', 'unanswered']),
  taskId: z.string().min(1).optional(),
  model: z.string(),
  /** the API the task was created on: a task id means nothing to another server */
  baseUrl: z.string(),
  out: z.string(),
  createdAt: z.string(),
  /** the task finished and its credits were counted by the build that saw it; resumes do not count them again */
  creditsCounted: z.boolean().optional(),
  /**
   * when recordInfo first answered for the task: from then on a missing record means the task is
   * gone, not that it is not visible yet (docs/kie-api.md §2), and a resume need not wait for it
   */
  seenAt: z.string().optional(),
});

export type JournalEntry = z.infer<typeof JournalEntrySchema>;

/** A journalled task whose id the API gave us: it can be polled again. */
export type ResumableTask = JournalEntry & { state: 'created'; taskId: string };

export function isResumable(entry: JournalEntry): entry is ResumableTask {
  return entry.state === 'created' && entry.taskId !== undefined;
}

export interface JournalListing {
  entries: JournalEntry[];
  /** files that are not a readable entry (a disk fault, an editor, a half-copied folder) */
  damaged: DamagedJournalFile[];
}

export interface Journal {
  /** names this API's entries (a hash of its base URL): other APIs' entries share the folder */
  readonly apiId: string;
  record(entry: JournalEntry): Promise<void>;
  remove(specHash: string): Promise<void>;
  /** Every entry, and every file that should be one but cannot be read. Reads only. */
  list(): Promise<JournalListing>;
  /** Moves a damaged file into `damaged/` beside the entries (never deletes it); returns its new path. */
  moveAside(file: DamagedJournalFile): Promise<string>;
}

/** What an `--offline` build uses: its simulator dies with the process, so nothing is kept. */
export const NO_JOURNAL: Journal = {
  apiId: '',
  record: async () => undefined,
  remove: async () => undefined,
  list: async () => ({ entries: [], damaged: [] }),
  moveAside: async (file) => file.path,
};

export const JOURNAL_DIR = 'journal';

/**
 * The journal of tasks created on `baseUrl`. Entries of other APIs (a switched
 * KIE_API_BASE_URL) live in the same folder under other names, untouched, and are still listed.
 */
export function openJournal(stateDir: string, baseUrl: string): Journal {
  const dir = join(stateDir, JOURNAL_DIR);
  const apiId = sha256Hex(baseUrl).slice(0, 8);
  const pathFor = (specHash: string) => join(dir, `${specHash}.${apiId}.json`);
  return {
    apiId,
    async record(entry) {
      await writeFileAtomic(pathFor(entry.specHash), `${JSON.stringify(entry)}\n`);
    },
    async remove(specHash) {
      await rm(pathFor(specHash), { force: true });
    },
    list: () => listJournal(dir),
    moveAside: (file) => moveDamagedAside(dir, file),
  };
}

async function listJournal(dir: string): Promise<JournalListing> {
  const listing: JournalListing = { entries: [], damaged: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    // no journal yet is an empty one; one that cannot be read is not: it may hold paid tasks
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return listing;
    throw toKieaudioError(error, 'E_IO', { action: 'list' });
  }
  for (const name of names) {
    // temp files are skipped, never deleted here: `plan` must not write, and a live build
    // may be about to rename one into place
    if (isTempName(name) || !name.endsWith('.json')) continue;
    const path = join(dir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // a folder by that name, or a file this user cannot read: not an entry, but not ours to drop
      listing.damaged.push(describeDamage(name, path, '', (error as NodeJS.ErrnoException).code ?? 'unreadable'));
      continue;
    }
    const parsed = parseEntry(text);
    if (parsed) listing.entries.push(parsed);
    else listing.damaged.push(describeDamage(name, path, text, text.trim() === '' ? 'empty' : 'not a journal entry'));
  }
  return listing;
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const parsed = JournalEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
