/**
 * Takes: every paid generation of a spec hash, numbered from 1 (the oldest), so that a line can be
 * re-rolled (`--regenerate`) without losing the take everyone liked, and pinned (`kieaudio pin`).
 * The cache's main entry for a spec hash holds one take, normally the newest. Before anything
 * replaces it, it is kept under a key of its own, `takeKey(spec, n)`: an ordinary cache entry,
 * restored, verified and pruned by the cache's own code, with every file the cache keeps beside
 * an entry (`<key>.*`: its data, its record, whatever other features attach) linked along. The
 * index `<cacheDir>/takes/<aa>/<spec>.json` lists what is known of each take; it is local state
 * like the cache, and rebuilt from the kept entries' records if it is lost.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { KieaudioError, messageOf } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { keepTimingsFile } from './cache-timings.js';
import type { CacheRecord, ContentCache } from './content-cache.js';
import { copyVerified } from './copy-verified.js';
import { linkEntry } from './link-entry.js';
import type { LockEntry } from './lock-file.js';
import { pathExists } from './path-exists.js';
import { sha256Hex } from './sha256.js';
import { taskFieldsOf } from './task-fields.js';

const TakeSchema = z.object({
  n: z.number().int().positive(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  taskId: z.string().optional(),
  baseUrl: z.string().optional(),
  /** when the task was created (ISO) */
  generatedAt: z.string().optional(),
  /** what the API said the task consumed, when it said */
  credits: z.number().optional(),
  /** an --offline placeholder (known from the lock only: placeholders never enter the cache) */
  placeholder: z.literal(true).optional(),
});

const TakeIndexSchema = z.object({ v: z.literal(1), takes: z.array(TakeSchema) });

export type Take = z.infer<typeof TakeSchema>;
export type NewTake = Omit<Take, 'n'>;

/** An output file and the lock entry that records what it holds. */
export interface InstalledResult {
  file: string;
  /** what the lock records of the file, if anything */
  entry: LockEntry | undefined;
  signal?: AbortSignal | undefined;
  /** the `.timings.json` kieaudio wrote beside the file, and its hash as the lock records it: kept as the take's timing data */
  timings?: { file: string; contentHash: string } | undefined;
}

/** Where a take's audio is in the cache now. */
export interface TakeLocation {
  key: string;
  record: CacheRecord;
}

export interface TakeStore {
  /** The takes recorded for `specHash`, oldest first. */
  list(specHash: string): Promise<Take[]>;
  /** Records a take, or what is new about the take with the same content; returns it with its number. */
  record(specHash: string, take: NewTake): Promise<Take>;
  /**
   * Keeps the cache's main entry for `specHash` as its take, before something replaces it. With no
   * main entry (a fresh clone, a cleared cache), keeps `installed` instead: the output file the
   * lock entry records, when it still holds that result.
   */
  keepCurrent(specHash: string, installed?: InstalledResult): Promise<void>;
  /** Which cache entry holds the take's audio (by its content, whatever its number here), with its data file there; undefined when none does. */
  locate(specHash: string, take: Pick<Take, 'n' | 'contentHash'>): Promise<TakeLocation | undefined>;
  /** The cache keys of `specHash`'s kept takes, for pruning. */
  keys(specHash: string): Promise<string[]>;
  /** Forgets `specHash`'s takes (its index; kept entries are pruned like any cache entry). */
  forget(specHash: string): Promise<void>;
  /** Every spec hash that has a take index. */
  indexed(): Promise<string[]>;
}

/** The cache key a spec's take `n` is kept under once it is no longer the main entry. */
export function takeKey(specHash: string, n: number): string {
  return sha256Hex(`kieaudio-take\0${specHash}\0${n}`);
}

/** A take as the cache record of its audio describes it. */
export function takeOfRecord(record: CacheRecord): NewTake {
  return { contentHash: record.contentHash, size: record.size, ...taskFieldsOf(record) };
}

/** A take as a lock entry describes the result it records. */
export function takeOfLockEntry(entry: LockEntry): NewTake {
  return { contentHash: entry.contentHash, size: entry.size, ...taskFieldsOf(entry), ...(entry.placeholder ? { placeholder: true } : {}) };
}

/** What the store's functions share: the cache, and each spec's index as last read or written. */
interface TakeState {
  cache: ContentCache;
  indexes: Map<string, Take[]>;
}

export function createTakeStore(cache: ContentCache): TakeStore {
  const state: TakeState = { cache, indexes: new Map() };
  return {
    list: (specHash) => listTakes(state, specHash),
    record: (specHash, take) => recordTake(state, specHash, take),
    locate: (specHash, take) => locateTake(state, specHash, take),
    keepCurrent: (specHash, installed) => keepCurrent(state, specHash, installed),
    keys: async (specHash) => (await listTakes(state, specHash)).map((t) => takeKey(specHash, t.n)),
    async forget(specHash) {
      state.indexes.delete(specHash);
      await rm(indexPath(state, specHash), { force: true });
    },
    indexed: () => listIndexed(join(cache.dir, 'takes')),
  };
}

function indexPath(state: TakeState, specHash: string): string {
  return join(state.cache.dir, 'takes', specHash.slice(0, 2), `${specHash}.json`);
}

async function listTakes(state: TakeState, specHash: string): Promise<Take[]> {
  let takes = state.indexes.get(specHash);
  if (takes === undefined) {
    takes = (await readIndex(indexPath(state, specHash))) ?? (await rebuildIndex(state.cache, specHash));
    state.indexes.set(specHash, takes);
  }
  return takes;
}

async function recordTake(state: TakeState, specHash: string, take: NewTake): Promise<Take> {
  const takes = await listTakes(state, specHash);
  const same = takes.find((t) => t.contentHash === take.contentHash);
  const merged: Take = same ? { ...same, ...defined(take), n: same.n } : { n: await nextNumber(state.cache, specHash, takes), ...take };
  if (same && JSON.stringify(merged) === JSON.stringify(same)) return same;
  const next = same ? takes.map((t) => (t === same ? merged : t)) : [...takes, merged];
  const path = indexPath(state, specHash);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify({ v: 1, takes: next })}\n`);
  state.indexes.set(specHash, next);
  return merged;
}

async function locateTake(state: TakeState, specHash: string, take: Pick<Take, 'n' | 'contentHash'>): Promise<TakeLocation | undefined> {
  const { cache } = state;
  // take numbers are local to one cache: the lock's number may be another machine's, the audio is the same
  const same = (await listTakes(state, specHash)).filter((t) => t.contentHash === take.contentHash && t.n !== take.n);
  for (const key of [specHash, takeKey(specHash, take.n), ...same.map((t) => takeKey(specHash, t.n))]) {
    const found = await cache.lookup(key);
    if (found?.contentHash === take.contentHash && (await pathExists(cache.dataPath(key)))) return { key, record: found };
  }
  return undefined;
}

async function keepCurrent(state: TakeState, specHash: string, installed: InstalledResult | undefined): Promise<void> {
  const { cache } = state;
  const main = await cache.lookup(specHash);
  if (main === undefined) {
    const entry = installed?.entry;
    // a processed output is not its raw take: nothing at `out` to keep
    if (installed && entry?.specHash === specHash && !entry.placeholder && entry.post === undefined) {
      await keepFile(cache, specHash, installed, await recordTake(state, specHash, takeOfLockEntry(entry)));
    }
    return;
  }
  const take = await recordTake(state, specHash, takeOfRecord(main));
  const key = takeKey(specHash, take.n);
  if ((await readRecordHash(cache.recordPath(key))) === main.contentHash) return;
  await linkEntry(cache, specHash, key);
}

async function listIndexed(dir: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const shard of await readdir(dir).catch(() => [])) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of await readdir(join(dir, shard)).catch(() => [])) {
      const match = /^([0-9a-f]{64})\.json$/.exec(name);
      if (match?.[1]) hashes.push(match[1]);
    }
  }
  return hashes.sort();
}

/**
 * Copies an installed output under the take's own key, verified against its lock entry: a file
 * edited since is not kept (the take is then listed as missing, as the lock still names it).
 */
async function keepFile(cache: ContentCache, specHash: string, installed: InstalledResult, take: Take): Promise<void> {
  const key = takeKey(specHash, take.n);
  if ((await readRecordHash(cache.recordPath(key))) === take.contentHash) return;
  await mkdir(dirname(cache.dataPath(key)), { recursive: true });
  const { entry } = installed;
  if (entry === undefined) return;
  const size = await copyVerified(installed.file, cache.dataPath(key), entry.contentHash, installed.signal).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (size === undefined) return;
  if (installed.timings) await keepTimingsFile(cache, key, installed.timings.file, installed.timings.contentHash);
  await cache.commit(key, { contentHash: entry.contentHash, size, model: entry.model, ...taskFieldsOf(entry) });
}

/** The index, or undefined when there is none or it cannot be read as one (then rebuilt). */
async function readIndex(path: string): Promise<Take[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KieaudioError('E_IO', `cannot read the take index ${path}: ${messageOf(error)}`, { cause: error });
  }
  try {
    const parsed = TakeIndexSchema.safeParse(JSON.parse(text));
    return parsed.success ? [...parsed.data.takes].sort((a, b) => a.n - b.n) : undefined;
  } catch {
    return undefined;
  }
}

/** How many numbers in a row without a kept entry end the search for more (one may have been dropped as damaged). */
const REBUILD_GAP = 3;

/** The takes the cache still keeps under their own keys, from their records (credits are not in them). */
async function rebuildIndex(cache: ContentCache, specHash: string): Promise<Take[]> {
  const takes: Take[] = [];
  for (let n = 1, misses = 0; misses < REBUILD_GAP; n++) {
    const kept = await readRecord(cache.recordPath(takeKey(specHash, n)));
    if (kept === undefined) misses++;
    else {
      misses = 0;
      takes.push({ n, ...kept });
    }
  }
  return takes;
}

/** The number a new take gets: after every take recorded, and after any kept entry an index lost. */
async function nextNumber(cache: ContentCache, specHash: string, takes: readonly Take[]): Promise<number> {
  let n = takes.reduce((max, t) => Math.max(max, t.n), 0) + 1;
  while ((await readRecordHash(cache.recordPath(takeKey(specHash, n)))) !== undefined) n++;
  return n;
}

async function readRecord(path: string): Promise<NewTake | undefined> {
  try {
    const json = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheRecord>;
    if (typeof json.contentHash !== 'string' || typeof json.size !== 'number') return undefined;
    return takeOfRecord(json as CacheRecord);
  } catch {
    return undefined;
  }
}

async function readRecordHash(path: string): Promise<string | undefined> {
  return (await readRecord(path))?.contentHash;
}

/** `fields` without its undefined values. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
