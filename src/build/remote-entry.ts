/**
 * One local cache entry as the team cache holds it: the audio and its timing data as blobs under
 * their hashes, and an AC record under the entry's key that names them, with the fields of the
 * local record (never its stat data, which describes one machine's file). A fetched entry goes
 * into the local cache the way a download does — data and timings first, the record last — so
 * that everything after it (restore, sidecars, post-processing) works as for any cached result.
 */
import { mkdir, readFile, rename, rm, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { RemoteCache } from '../remote/remote-cache.js';
import { RemoteCacheError } from '../remote/remote-error.js';
import { releaseTemp, tempPathFor } from '../store/atomic-write.js';
import { cachedTimingsPath, writeCachedTimings } from '../store/cache-timings.js';
import { type CacheRecord, CacheRecordSchema, type ContentCache } from '../store/content-cache.js';
import { sha256Hex } from '../store/sha256.js';
import { parseTimingsDoc } from '../timings/timings-doc.js';

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/);

const RemoteEntrySchema = z.object({
  kieaudio: z.literal(1),
  record: CacheRecordSchema.omit({ seen: true }),
  timings: z.object({ sha256: HashSchema, size: z.number().int().nonnegative() }).optional(),
});

type RemoteEntry = z.infer<typeof RemoteEntrySchema>;

/**
 * Fills the local entry `key` from the team cache. Returns the record now in the local cache, or
 * undefined when the team cache has no such entry. Throws RemoteCacheError; a blob that is not
 * what its hash says is never installed.
 */
export async function fetchEntry(
  remote: RemoteCache,
  cache: ContentCache,
  key: string,
  signal: AbortSignal,
): Promise<CacheRecord | undefined> {
  const found = await remote.getRecord(key, signal);
  if (found === undefined) return undefined;
  const parsed = RemoteEntrySchema.safeParse(found);
  if (!parsed.success) throw new RemoteCacheError('protocol', 'the team cache holds a record kieaudio cannot read: not used');
  const { record, timings } = parsed.data;
  const dataPath = cache.dataPath(key);
  await mkdir(dirname(dataPath), { recursive: true });
  const temp = tempPathFor(dataPath);
  try {
    const size = await remote.getBlob(record.contentHash, temp, signal);
    if (size !== record.size) throw new RemoteCacheError('bad-blob', 'the team cache record does not match its blob: not used');
    if (timings !== undefined) {
      const doc = parseTimingsDoc((await remote.getBlobBytes(timings.sha256, signal)).toString('utf8'));
      if (doc !== undefined) await writeCachedTimings(cache, key, doc);
    }
    // The bytes were hashed as they were written, and nothing writes them after: dated back past
    // the racy window (content-cache.ts), the entry's stat data vouches for them, and the restore
    // that follows copies without reading them through again. A later write would change the mtime.
    const past = new Date(Date.now() - 10_000);
    await utimes(temp, past, past);
    await rename(temp, dataPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    releaseTemp(temp);
  }
  // fetched again from the team cache if a power cut loses it
  await cache.commit(key, record, { durable: false });
  return record;
}

/**
 * Uploads the local entry `key`: blobs the server does not have yet (HEAD first), then the record
 * that names them, last, so that no record ever points at a missing blob. Returns false when
 * there is no local entry to upload.
 */
export async function uploadEntry(remote: RemoteCache, cache: ContentCache, key: string, signal: AbortSignal): Promise<boolean> {
  const local = await cache.lookup(key);
  if (local === undefined) return false;
  const { seen: _, ...record } = local;
  const entry: RemoteEntry = { kieaudio: 1, record };
  const timingsText = await readFile(cachedTimingsPath(cache, key)).catch(() => undefined);
  if (timingsText !== undefined) {
    const sha256 = sha256Hex(timingsText);
    entry.timings = { sha256, size: timingsText.length };
    await putBlob(remote, sha256, cachedTimingsPath(cache, key), timingsText.length, signal);
  }
  await putBlob(remote, record.contentHash, cache.dataPath(key), record.size, signal);
  await remote.putRecord(key, entry, signal);
  return true;
}

async function putBlob(remote: RemoteCache, sha256: string, path: string, size: number, signal: AbortSignal): Promise<void> {
  if (await remote.hasBlob(sha256, signal)) return;
  await remote.putBlob(sha256, path, size, signal);
}
