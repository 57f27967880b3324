/**
 * The content cache: every paid-for result, keyed by spec hash, so that a deleted output, an asset
 * moved to a new `out`, or a spec changed back to an earlier version costs nothing. Entries are a
 * data file plus a small JSON record written after it; an entry whose data does not match its
 * record is treated as absent and removed, never trusted. A record file that is not a record is
 * damaged, not absent: the data beside it may be a paid result (store/cache-repair.ts). As with the
 * outputs' stat index, the record remembers the data file's stat data when its hash was last
 * checked: a restore whose source is unchanged since then copies it in the kernel without reading
 * it through.
 */
import { type BigIntStats, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { z } from 'zod';
import { KieaudioError, messageOf } from '../errors.js';
import { copyFileAtomicSync, isTempName, writeFileAtomic } from './atomic-write.js';
import { copyVerified } from './copy-verified.js';

/** As for the stat index: an mtime this close to the last check cannot vouch for the content. */
const RACY_WINDOW_NS = 2_000_000_000n;

export const CacheRecordSchema = z.object({
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  model: z.string(),
  taskId: z.string().optional(),
  /** the API the task was created on, and when (ISO): carried into the lock by restores */
  baseUrl: z.string().optional(),
  generatedAt: z.string().optional(),
  /** derived outputs (`<cacheDir>/derived`, build/process.ts): the raw take's hash, and what the output measured */
  post: z
    .object({
      raw: z.string(),
      measured: z.object({ loudness: z.number().nullable(), truePeak: z.number().nullable(), duration: z.number() }),
      trimmedStart: z.number().optional(),
    })
    .optional(),
  /** the data file's stat data when its hash was last verified (decimal strings: bigints) */
  seen: z.object({ mtimeNs: z.string(), ino: z.string(), verifiedAtNs: z.string() }).optional(),
});

export type CacheRecord = z.infer<typeof CacheRecordSchema>;

export interface ContentCache {
  readonly dir: string;
  /** The entry's record, or undefined when there is none (or it is damaged: see isDamaged). Reads only. */
  lookup(specHash: string): Promise<CacheRecord | undefined>;
  /** True when `lookup` found a record file that is not a valid record (empty, cut short, garbage). */
  isDamaged(specHash: string): boolean;
  /** Where the entry's record is (or would be), for messages. */
  recordPath(specHash: string): string;
  /**
   * Moves a damaged entry (its record, and its data when there is one) into the cache's `damaged/`
   * folder, where no build reads it and nothing deletes it: the data may be a paid result. Returns
   * the record's new path.
   */
  setAside(specHash: string): Promise<string>;
  /** Where a new entry's data should be downloaded to before `commit`. */
  dataPath(specHash: string): string;
  /**
   * Records an entry whose data is already at `dataPath(specHash)`. `durable: false` skips the
   * fsync, for entries that can be fetched again (from the team cache): a record that outlives its
   * data in a power cut is found not to match it, and dropped.
   */
  commit(specHash: string, record: CacheRecord, options?: { durable?: boolean }): Promise<void>;
  /**
   * Copies an entry to `dest` atomically, checking its hash on the way unless its stat data
   * vouches for it. Returns false (and removes the entry) when the data is missing or does not
   * match its record. Not fsynced: a copy lost to a power cut is made again from the cache.
   * `dest`'s folder must exist.
   */
  copyTo(specHash: string, dest: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * copyTo's fast path alone, synchronously: copies the entry and returns its record when that
   * has been looked up already and its stat data vouches for its data; otherwise does nothing
   * and returns undefined (use copyTo). Throws only on a failed copy.
   */
  copyVouchedSync(specHash: string, dest: string): CacheRecord | undefined;
  /**
   * Drops what this cache remembers of an entry, so that the next lookup reads its record again:
   * for entries another module put in place (store/takes.ts links a take's files under its key).
   */
  forget(specHash: string): void;
  /** Every spec hash that has a record. */
  list(): Promise<string[]>;
  remove(specHash: string): Promise<void>;
}

/** What the cache's functions share: where entries live, and the records read so far. */
interface CacheState {
  dir: string;
  /** `dir` normalized, ending in a separator */
  base: string;
  // Records are small and change only through this cache: each is read once per build.
  records: Map<string, CacheRecord | undefined>;
  /** spec hashes whose record file was there but not a record */
  damaged: Set<string>;
}

export function createContentCache(dir: string): ContentCache {
  // Paths are put together from one normalized root rather than by join(), whose normalizing
  // showed in profiles of restores of thousands of files. Spec hashes are hex: no separators.
  const root = join(dir);
  const cache: CacheState = { dir, base: root.endsWith(sep) ? root : `${root}${sep}`, records: new Map(), damaged: new Set() };
  return {
    dir,
    dataPath: (specHash) => dataPathOf(cache, specHash),
    remove: (specHash) => removeEntry(cache, specHash),
    lookup: (specHash) => lookupRecord(cache, specHash),
    isDamaged: (specHash) => cache.damaged.has(specHash),
    recordPath: (specHash) => recordPathOf(cache, specHash),
    setAside: (specHash) => setAside(cache, specHash),
    commit: (specHash, record, options) => commitEntry(cache, specHash, record, options?.durable ?? true),
    copyVouchedSync: (specHash, dest) => copyVouchedSync(cache, specHash, dest),
    copyTo: (specHash, dest, signal) => copyEntry(cache, specHash, dest, signal),
    forget: (specHash) => {
      cache.records.delete(specHash);
      cache.damaged.delete(specHash);
    },
    list: () => listEntries(dir),
  };
}

function shardOf(cache: CacheState, specHash: string): string {
  return `${cache.base}${specHash.slice(0, 2)}`;
}

function dataPathOf(cache: CacheState, specHash: string): string {
  return `${cache.base}${specHash.slice(0, 2)}${sep}${specHash}.audio`;
}

function recordPathOf(cache: CacheState, specHash: string): string {
  return `${cache.base}${specHash.slice(0, 2)}${sep}${specHash}.json`;
}

async function removeEntry(cache: CacheState, specHash: string): Promise<void> {
  cache.records.set(specHash, undefined);
  cache.damaged.delete(specHash);
  await rm(recordPathOf(cache, specHash), { force: true });
  await rm(dataPathOf(cache, specHash), { force: true });
  // the entry's timing data (cache-timings.ts), which means nothing without its audio
  await rm(`${cache.base}${specHash.slice(0, 2)}${sep}${specHash}.timings.json`, { force: true });
}

async function lookupRecord(cache: CacheState, specHash: string): Promise<CacheRecord | undefined> {
  if (cache.records.has(specHash)) return cache.records.get(specHash);
  const text = await readRecordText(recordPathOf(cache, specHash));
  let record: CacheRecord | undefined;
  if (text !== undefined) {
    try {
      const parsed = CacheRecordSchema.safeParse(JSON.parse(text));
      if (parsed.success) record = parsed.data;
    } catch {
      // not JSON: damaged, like a record of the wrong shape
    }
    // Damaged, not absent: its data may be a paid result (the build rebuilds or sets it aside).
    if (record === undefined) cache.damaged.add(specHash);
  }
  cache.records.set(specHash, record);
  return record;
}

async function setAside(cache: CacheState, specHash: string): Promise<string> {
  const folder = `${cache.base}damaged`;
  await mkdir(folder, { recursive: true });
  const stem = `${folder}${sep}${specHash}.${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // The data first: a build stopped in between then leaves a damaged record without data (set
  // aside by the next build), not a record-less data file that the next download overwrites.
  await rename(dataPathOf(cache, specHash), `${stem}.audio`).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(recordPathOf(cache, specHash), `${stem}.json`);
  cache.records.set(specHash, undefined);
  cache.damaged.delete(specHash);
  return `${stem}.json`;
}

/** The record file's text, or undefined when there is none. */
async function readRecordText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // Only a record that is not there is absent. One that cannot be read now (permissions, too
    // many open files, a failing disk) must not look absent: the asset would be paid for again.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new KieaudioError('E_IO', `cannot read the cache record ${path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return undefined;
  }
}

async function commitEntry(cache: CacheState, specHash: string, record: CacheRecord, durable: boolean): Promise<void> {
  await mkdir(shardOf(cache, specHash), { recursive: true });
  const verifiedAt = BigInt(Date.now()) * 1_000_000n;
  const s = await stat(dataPathOf(cache, specHash), { bigint: true });
  const seen = { mtimeNs: s.mtimeNs.toString(), ino: s.ino.toString(), verifiedAtNs: verifiedAt.toString() };
  const full = { ...record, seen };
  await writeFileAtomic(recordPathOf(cache, specHash), `${JSON.stringify(full)}\n`, { durable });
  cache.records.set(specHash, full);
  cache.damaged.delete(specHash);
}

function copyVouchedSync(cache: CacheState, specHash: string, dest: string): CacheRecord | undefined {
  const record = cache.records.get(specHash);
  // Synchronous, stat and copy: see copyFileAtomicSync.
  if (record === undefined) return undefined;
  const source = dataPathOf(cache, specHash);
  const s = statSync(source, { bigint: true, throwIfNoEntry: false });
  if (s === undefined || !vouches(record, s)) return undefined;
  copyFileAtomicSync(source, dest);
  return record;
}

async function copyEntry(cache: CacheState, specHash: string, dest: string, signal?: AbortSignal): Promise<boolean> {
  const record = await lookupRecord(cache, specHash);
  if (!record) return false;
  if (copyVouchedSync(cache, specHash, dest) !== undefined) return true;
  const source = dataPathOf(cache, specHash);
  // Only a data file that is gone drops the entry; any other error (a permission, a failing
  // disk) is reported and the paid result left where it is.
  const s = statSync(source, { bigint: true, throwIfNoEntry: false });
  if (s === undefined) {
    await removeEntry(cache, specHash);
    return false;
  }
  const verifiedAt = BigInt(Date.now()) * 1_000_000n;
  const size = await copyVerified(source, dest, record.contentHash, signal, false);
  if (size === record.size) {
    // Checked now: the next restore of this entry may take the fast path.
    const fresh = { mtimeNs: s.mtimeNs.toString(), ino: s.ino.toString(), verifiedAtNs: verifiedAt.toString() };
    cache.records.set(specHash, { ...record, seen: fresh });
    await writeFileAtomic(recordPathOf(cache, specHash), `${JSON.stringify({ ...record, seen: fresh })}\n`, { durable: false }).catch(
      () => undefined,
    );
    return true;
  }
  // Not what the record says: never trust it, never leave it for the next build.
  if (size !== undefined) await rm(dest, { force: true });
  await removeEntry(cache, specHash);
  return false;
}

async function listEntries(dir: string): Promise<string[]> {
  let shards: string[];
  try {
    shards = await readdir(dir);
  } catch {
    return [];
  }
  const hashes: string[] = [];
  for (const name of shards) {
    if (!/^[0-9a-f]{2}$/.test(name)) continue;
    for (const file of await readdir(join(dir, name))) {
      if (isTempName(file)) continue;
      const match = /^([0-9a-f]{64})\.json$/.exec(file);
      if (match?.[1]) hashes.push(match[1]);
    }
  }
  return hashes.sort();
}

/** The data file is as it was when its hash was last checked, and was not modified in the same clock tick. */
function vouches(record: CacheRecord, s: BigIntStats): boolean {
  const seen = record.seen;
  return (
    seen !== undefined &&
    Number(s.size) === record.size &&
    s.mtimeNs.toString() === seen.mtimeNs &&
    s.ino.toString() === seen.ino &&
    s.mtimeNs + RACY_WINDOW_NS < BigInt(seen.verifiedAtNs)
  );
}
