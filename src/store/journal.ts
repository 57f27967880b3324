/**
 * The journal of tasks in flight: a task id is written down durably before kieaudio waits on it,
 * so a build that is interrupted (Ctrl-C, kill -9, power loss, a cancelled CI job) never pays for
 * the same spec again — the next build resumes polling that task instead of creating a new one.
 * One small file per spec hash: concurrent workers never rewrite each other's records. An entry is
 * written before the create request is sent, and again with the task id once it answers, so even
 * a crash in between is seen (and reported as a possible charge) rather than silently forgotten.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isTempName, writeFileAtomic } from './atomic-write.js';
import { sha256Hex } from './sha256.js';

const JournalEntrySchema = z.object({
  specHash: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * `creating`: a create request is about to be sent or is in flight — if a build finds this, the
   * process died before the answer was recorded, and the task may exist (and be billed) unseen.
   * `created`: the API answered with `taskId`.
   */
  state: z.enum(['creating', 'created']),
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

export interface Journal {
  record(entry: JournalEntry): Promise<void>;
  remove(specHash: string): Promise<void>;
  /** Every readable entry; unreadable files are skipped. */
  list(): Promise<{ entries: JournalEntry[] }>;
}

/** What an `--offline` build uses: its simulator dies with the process, so nothing is kept. */
export const NO_JOURNAL: Journal = {
  record: async () => undefined,
  remove: async () => undefined,
  list: async () => ({ entries: [] }),
};

export const JOURNAL_DIR = 'journal';

/**
 * The journal of tasks created on `baseUrl`. Entries of other APIs (a switched
 * KIE_API_BASE_URL) live in the same folder under other names, untouched, and are still listed.
 */
export function openJournal(stateDir: string, baseUrl: string): Journal {
  const dir = join(stateDir, JOURNAL_DIR);
  const api = sha256Hex(baseUrl).slice(0, 8);
  const pathFor = (specHash: string) => join(dir, `${specHash}.${api}.json`);
  return {
    async record(entry) {
      await writeFileAtomic(pathFor(entry.specHash), `${JSON.stringify(entry)}\n`);
    },
    async remove(specHash) {
      await rm(pathFor(specHash), { force: true });
    },
    async list() {
      const entries: JournalEntry[] = [];
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return { entries };
      }
      for (const name of names) {
        // temp files are skipped, never deleted here: `plan` must not write, and a live build
        // may be about to rename one into place
        if (isTempName(name) || !name.endsWith('.json')) continue;
        try {
          const parsed = JournalEntrySchema.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
          if (parsed.success) entries.push(parsed.data);
        } catch {
          // unreadable (a crash mid-write leaves only temp files, so this is outside damage): skipped
        }
      }
      return { entries };
    },
  };
}
