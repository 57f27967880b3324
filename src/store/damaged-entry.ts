/**
 * A journal file that cannot be read as an entry: truncated by a crash of the disk, emptied, edited
 * by hand. It may be the only record of a task that was paid for, so it is never deleted: what
 * it still tells (the spec hash its name carries, a task id left in its text) is kept, and the
 * file is moved into `damaged/` beside the entries, where the user can look at it.
 */
import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface DamagedJournalFile {
  /** the file's name in the journal folder */
  name: string;
  path: string;
  /** what is wrong: "empty", "not a journal entry", or the error code it could not be read with */
  problem: string;
  /** from the file's name: entries are named `<specHash>.<apiId>.json` */
  specHash?: string;
  /** likewise: which API's journal the file belongs to (Journal.apiId) */
  apiId?: string;
  /** a task id still legible in the text */
  taskId?: string;
}

const DAMAGED_DIR = 'damaged';

export function describeDamage(name: string, path: string, text: string, problem: string): DamagedJournalFile {
  const [, specHash, apiId] = /^([0-9a-f]{64})\.([0-9a-f]{8})\.json$/.exec(name) ?? [];
  // the entry's JSON may be cut anywhere; a task id that made it to disk whole is still worth having
  const taskId = /"taskId"\s*:\s*"([^"\\]{1,200})"/.exec(text)?.[1];
  return { name, path, problem, ...(specHash ? { specHash } : {}), ...(apiId ? { apiId } : {}), ...(taskId ? { taskId } : {}) };
}

/** Moves `file` into `<dir>/damaged/`, under a new name if one of that name is there already. */
export async function moveDamagedAside(dir: string, file: DamagedJournalFile): Promise<string> {
  const aside = join(dir, DAMAGED_DIR);
  await mkdir(aside, { recursive: true });
  const target = join(aside, `${basename(file.name, '.json')}.${Date.now()}.damaged`);
  await rename(file.path, target);
  return target;
}
