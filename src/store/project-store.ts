/**
 * A project's local state, opened together: the lock, the stat index of outputs, the content
 * cache and the journal of tasks in flight. Opening only reads; the build writes through it.
 */
import { join } from 'node:path';
import type { Project } from '../project.js';
import { type ContentCache, createContentCache } from './content-cache.js';
import { type Journal, openJournal } from './journal.js';
import { LOCK_FILE_NAME, type LockFile, readLockFile } from './lock-file.js';
import { lockTextDigest } from './lock-text.js';
import type { FileStat } from './lock-writer.js';
import { loadStatIndex, type StatIndex } from './stat-index.js';
import { createTakeStore, type TakeStore } from './takes.js';

export interface ProjectStore {
  lockPath: string;
  lock: LockFile;
  /** SHA-256 of the lock's text as read (not the text: 6 MB at 10,000 assets), so an unchanged lock is not rewritten */
  lockDigest: string | undefined;
  /** the lock file's stat data when this process last wrote it (build/execute.ts), for watch mode's memo (store-memo.ts) */
  lockStat?: FileStat | undefined;
  statIndex: StatIndex;
  cache: ContentCache;
  /** outputs derived from raw takes by post-processing, keyed by raw take + chain + ffmpeg (build/process.ts) */
  derived: ContentCache;
  /** every paid take of each spec, the newest in `cache`'s main entry (takes.ts) */
  takes: TakeStore;
  journal: Journal;
}

/** `displayLock` is how messages name the lock file (relative to the working directory). */
export async function openProjectStore(project: Project, displayLock: string): Promise<ProjectStore> {
  const lockPath = join(project.config.rootDir, LOCK_FILE_NAME);
  const [{ lock, text }, statIndex] = await Promise.all([readLockFile(lockPath, displayLock), loadStatIndex(project.config.stateDir)]);
  return assembleStore(project, { lock, lockDigest: text === undefined ? undefined : lockTextDigest(text), statIndex });
}

/** The store around a lock and stat index already in hand (watch mode keeps them: store-memo.ts); the rest opens without reading. */
export function assembleStore(project: Project, held: Pick<ProjectStore, 'lock' | 'lockDigest' | 'statIndex'>): ProjectStore {
  const cache = createContentCache(project.config.cacheDir);
  return {
    lockPath: join(project.config.rootDir, LOCK_FILE_NAME),
    ...held,
    cache,
    derived: createContentCache(join(project.config.cacheDir, 'derived')),
    takes: createTakeStore(cache),
    journal: openJournal(project.config.stateDir, project.config.api.baseUrl),
  };
}

/** Where an asset's output file is: `out` is a validated relative path under outDir. */
export function outputPath(project: Project, out: string): string {
  return join(project.config.outDir, out);
}
