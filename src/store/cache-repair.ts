/**
 * What can be made of a cache entry whose record is damaged (empty, cut short, not a record) while
 * its data file is there. The data file is renamed into place whole before its record is written,
 * so data that is there is a complete download — but the record was what said of what. It is
 * checked against what is known elsewhere: the content hash the lock records for the same spec,
 * or, when the lock knows nothing, the container the asset's format needs. A checked entry gets
 * its record back; one that cannot be checked is set aside (never deleted: it may be a paid
 * result). Reads only, so `plan` can say what a build will do; the build applies it.
 */
import { open, stat } from 'node:fs/promises';
import type { Container } from '../audio/format.js';
import { SNIFF_BYTES, sniffContainer } from '../audio/sniff.js';
import { KieaudioError, messageOf } from '../errors.js';
import type { CacheRecord, ContentCache } from './content-cache.js';
import { hashFile } from './sha256.js';
import { taskFieldsOf } from './task-fields.js';

export type RecordRepair =
  /** the data checks out: the build writes `record` and restores from it */
  | { kind: 'rebuild'; recordPath: string; record: CacheRecord; checkedAgainst: 'lock' | 'container' }
  /** nothing to rebuild from: the build moves the entry aside; `why` is for people */
  | { kind: 'set-aside'; recordPath: string; why: string };

/** What is known of the result for this spec besides the cache. */
export interface KnownResult {
  model: string;
  /** what the asset's output must be */
  container: Container;
  /** the results the lock records for the same spec (several outputs, takes) */
  lock: ReadonlyArray<{ contentHash: string; taskId?: string | undefined; baseUrl?: string | undefined; generatedAt?: string | undefined }>;
}

export async function checkDamagedRecord(cache: ContentCache, specHash: string, known: KnownResult): Promise<RecordRepair> {
  const recordPath = cache.recordPath(specHash);
  const dataPath = cache.dataPath(specHash);
  try {
    const size = await dataSize(dataPath);
    if (size === undefined) return { kind: 'set-aside', recordPath, why: 'its audio is missing' };
    if (known.lock.length > 0) {
      const { sha256 } = await hashFile(dataPath);
      const match = known.lock.find((l) => l.contentHash === sha256);
      if (match === undefined) return { kind: 'set-aside', recordPath, why: 'its audio is not what the lock records' };
      const record = { contentHash: sha256, size, model: known.model, ...taskFieldsOf(match) };
      return { kind: 'rebuild', recordPath, record, checkedAgainst: 'lock' };
    }
    const found = sniffContainer(await head(dataPath));
    if (found !== known.container) {
      return { kind: 'set-aside', recordPath, why: `its audio is ${found ?? 'not audio'}, not ${known.container}` };
    }
    const { sha256 } = await hashFile(dataPath);
    return { kind: 'rebuild', recordPath, record: { contentHash: sha256, size, model: known.model }, checkedAgainst: 'container' };
  } catch (error) {
    throw new KieaudioError('E_IO', `cannot check the cache entry beside the damaged record ${recordPath}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

async function dataSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size > 0 ? s.size : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function head(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
