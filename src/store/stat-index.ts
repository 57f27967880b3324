/**
 * A local index of output files' stat data, as git keeps for its work tree: a no-op build stats
 * each output and reads none of them. A file is hashed only when its size, mtime, ctime or inode
 * changed since it was last hashed — or when its mtime was too close to the moment it was hashed
 * to tell a later edit in the same clock tick apart ("racy" entries, as git calls them).
 */
import type { Stats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { hashFile } from './sha256.js';

const INDEX_VERSION = 2;
/** Coarse file systems (FAT, HFS+, some network mounts) keep mtimes to 1–2 s. */
const RACY_WINDOW_MS = 2_000;

interface IndexEntry {
  size: number;
  // Plain numbers, not bigint stats: a no-op build stats every output, and BigInt stat objects
  // cost more than the comparison is worth. mtimeMs keeps sub-millisecond precision.
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  contentHash: string;
  /** when the hash was taken; an entry is trusted only if the file's mtime is well before it */
  hashedAtMs: number;
}

interface IndexData {
  version: number;
  entries: Record<string, IndexEntry>;
}

export type OutputState =
  | { exists: false }
  | { exists: true; contentHash: string; size: number }
  /** something that is not a regular file (a folder, a symlink): never kieaudio's to touch */
  | { exists: true; contentHash: undefined; size: number };

export interface StatIndex {
  /** The state of the file at `absPath`, keyed in the index by `key` (the asset's `out`). */
  check(key: string, absPath: string): Promise<OutputState>;
  /**
   * Drops what is known of `key`. kieaudio calls it for every file it writes: a file written
   * just now has an mtime inside the racy window, so its stat data could not vouch for it, and
   * the next check hashes it whatever were recorded (once; after that it is trusted).
   */
  forget(key: string): void;
  /**
   * For a file just copied from one whose hash is known: where the copy kept the source's mtime
   * (macOS and Windows copies do), its stat data can vouch for it at once and it is recorded;
   * otherwise (a new mtime, racy) it is forgotten as above.
   */
  copied(key: string, absPath: string, contentHash: string): void;
  /** Writes the index if anything changed. */
  save(): Promise<void>;
  /** every path checked so far, with the stat data the check decided by (undefined: nothing there) */
  checked(): ReadonlyMap<string, CheckedStat | undefined>;
}

export const STAT_INDEX_FILE = 'stat-index.json';

/** size, mtimeMs, ctimeMs, ino: what a check saw, kept small (a build checks every output) */
export type CheckedStat = readonly [size: number, mtimeMs: number, ctimeMs: number, ino: number];

/** What the index's functions share: where it is saved, its entries, and whether they changed. */
interface IndexState {
  path: string;
  entries: Record<string, IndexEntry>;
  dirty: boolean;
  checked: Map<string, CheckedStat | undefined>;
}

export async function loadStatIndex(stateDir: string): Promise<StatIndex> {
  const path = join(stateDir, STAT_INDEX_FILE);
  const index: IndexState = { path, entries: await readEntries(path), dirty: false, checked: new Map() };
  return {
    check: (key, absPath) => checkOutput(index, key, absPath),
    copied: (key, absPath, contentHash) => noteCopied(index, key, absPath, contentHash),
    forget: (key) => forgetEntry(index, key),
    save: () => saveIndex(index),
    checked: () => index.checked,
  };
}

async function readEntries(path: string): Promise<Record<string, IndexEntry>> {
  const entries = Object.create(null) as Record<string, IndexEntry>;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<IndexData>;
    if (parsed.version === INDEX_VERSION && parsed.entries) Object.assign(entries, parsed.entries);
  } catch {
    // missing or damaged: it is only a cache of hashes, start over
  }
  return entries;
}

async function checkOutput(index: IndexState, key: string, absPath: string): Promise<OutputState> {
  const s = lstatOutput(absPath);
  index.checked.set(absPath, s === undefined ? undefined : [s.size, s.mtimeMs, s.ctimeMs, s.ino]);
  if (s === undefined) return { exists: false };
  if (!s.isFile()) return { exists: true, contentHash: undefined, size: s.size };
  const entry = index.entries[key];
  if (entry && vouches(entry, s)) {
    return { exists: true, contentHash: entry.contentHash, size: entry.size };
  }
  const hashedAt = Date.now();
  const { sha256, size } = await hashFile(absPath);
  // If the file changed while it was read, the stat taken before no longer describes the hash.
  const after = await stat(absPath);
  if (after.mtimeMs === s.mtimeMs && after.size === s.size) rememberEntry(index, key, s, sha256, hashedAt);
  return { exists: true, contentHash: sha256, size };
}

/** The output's stat data, or undefined when there is nothing at `absPath`. */
function lstatOutput(absPath: string): Stats | undefined {
  try {
    // lstat: a symlink at `out` is not kieaudio's file, and must not be read through.
    // Synchronous on purpose: on a local disk a stat answers from the inode cache in
    // microseconds, while a promise round trip through the thread pool costs several times
    // that in main-thread work — and a no-op build does nothing but these.
    return lstatSync(absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The file is as it was when hashed, and was not modified in the same clock tick. */
function vouches(entry: IndexEntry, s: Stats): boolean {
  return (
    entry.size === s.size &&
    entry.mtimeMs === s.mtimeMs &&
    entry.ctimeMs === s.ctimeMs &&
    entry.ino === s.ino &&
    s.mtimeMs + RACY_WINDOW_MS < entry.hashedAtMs
  );
}

function noteCopied(index: IndexState, key: string, absPath: string, contentHash: string): void {
  const now = Date.now();
  const s = lstatSync(absPath, { throwIfNoEntry: false });
  if (s?.isFile() && s.mtimeMs + RACY_WINDOW_MS < now) rememberEntry(index, key, s, contentHash, now);
  else forgetEntry(index, key);
}

function rememberEntry(index: IndexState, key: string, s: Stats, contentHash: string, hashedAtMs: number): void {
  index.entries[key] = { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, contentHash, hashedAtMs };
  index.dirty = true;
}

function forgetEntry(index: IndexState, key: string): void {
  if (index.entries[key]) {
    delete index.entries[key];
    index.dirty = true;
  }
}

async function saveIndex(index: IndexState): Promise<void> {
  if (!index.dirty) return;
  const data: IndexData = { version: INDEX_VERSION, entries: index.entries };
  await writeFileAtomic(index.path, `${JSON.stringify(data)}\n`);
  index.dirty = false;
}
