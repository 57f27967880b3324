/**
 * A local index of output files' stat data, as git keeps for its work tree: a no-op build stats
 * each output and reads none of them. A file is hashed only when its size, mtime, ctime or inode
 * changed since it was last hashed — or when its mtime was too close to the moment it was hashed
 * to tell a later edit in the same clock tick apart ("racy" entries, as git calls them).
 */
import type { BigIntStats } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from './file-hash.js';
import { writeFileAtomic } from './atomic-write.js';

const INDEX_VERSION = 1;
/** Coarse file systems (FAT, HFS+, some network mounts) keep mtimes to 1–2 s. */
const RACY_WINDOW_NS = 2_000_000_000n;

interface IndexEntry {
  size: number;
  /** nanoseconds, as decimal strings: JSON has no bigint */
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  contentHash: string;
  /** when the hash was taken; an entry is trusted only if the file's mtime is well before it */
  hashedAtNs: string;
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
  /** Records a file kieaudio just wrote, whose hash is known, so it is not re-read next time. */
  record(key: string, absPath: string, contentHash: string): Promise<void>;
  forget(key: string): void;
  /** Writes the index if anything changed. */
  save(): Promise<void>;
}

export const STAT_INDEX_FILE = 'stat-index.json';

export async function loadStatIndex(stateDir: string): Promise<StatIndex> {
  const path = join(stateDir, STAT_INDEX_FILE);
  const entries = Object.create(null) as Record<string, IndexEntry>;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<IndexData>;
    if (parsed.version === INDEX_VERSION && parsed.entries) Object.assign(entries, parsed.entries);
  } catch {
    // missing or damaged: it is only a cache of hashes, start over
  }
  let dirty = false;

  const remember = (key: string, s: BigIntStats, contentHash: string, hashedAtNs: bigint) => {
    entries[key] = {
      size: Number(s.size),
      mtimeNs: s.mtimeNs.toString(),
      ctimeNs: s.ctimeNs.toString(),
      ino: s.ino.toString(),
      contentHash,
      hashedAtNs: hashedAtNs.toString(),
    };
    dirty = true;
  };

  return {
    async check(key, absPath) {
      let s;
      try {
        // lstat: a symlink at `out` is not kieaudio's file, and must not be read through
        s = await lstat(absPath, { bigint: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { exists: false };
        throw error;
      }
      if (!s.isFile()) return { exists: true, contentHash: undefined, size: Number(s.size) };
      const entry = entries[key];
      if (
        entry &&
        entry.size === Number(s.size) &&
        entry.mtimeNs === s.mtimeNs.toString() &&
        entry.ctimeNs === s.ctimeNs.toString() &&
        entry.ino === s.ino.toString() &&
        s.mtimeNs + RACY_WINDOW_NS < BigInt(entry.hashedAtNs)
      ) {
        return { exists: true, contentHash: entry.contentHash, size: entry.size };
      }
      const hashedAt = nowNs();
      const { sha256, size } = await hashFile(absPath);
      // If the file changed while it was read, the stat taken before no longer describes the hash.
      const after = await stat(absPath, { bigint: true });
      if (after.mtimeNs === s.mtimeNs && after.size === s.size) remember(key, s, sha256, hashedAt);
      return { exists: true, contentHash: sha256, size };
    },

    async record(key, absPath, contentHash) {
      remember(key, await stat(absPath, { bigint: true }), contentHash, nowNs());
    },

    forget(key) {
      if (entries[key]) {
        delete entries[key];
        dirty = true;
      }
    },

    async save() {
      if (!dirty) return;
      const data: IndexData = { version: INDEX_VERSION, entries };
      await writeFileAtomic(path, `${JSON.stringify(data)}\n`);
      dirty = false;
    },
  };
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
