/**
 * The files watch mode is watching right now, and the watcher on them. A config edit can change
 * what `include` reaches: `refresh` then starts a watcher on the new set before closing the old
 * one, so no save slips by in between. A config that does not parse keeps the last good set.
 */
import type { Env } from '../project.js';
import { type FileWatcher, type FileWatcherHandlers, startFileWatcher } from './file-watcher.js';
import { configOnlyWatchSet, type LoadedWatchSet, loadWatchSet } from './load-watch-set.js';

export interface WatchedFiles {
  /** spec files the include patterns matched when the set was last loaded */
  specFiles(): number;
  /** re-reads the config; resolves to true when the watched set changed */
  refresh(): Promise<boolean>;
  close(): Promise<void>;
}

export async function watchFiles(configPath: string, env: Env, handlers: FileWatcherHandlers, signal: AbortSignal): Promise<WatchedFiles> {
  let current: LoadedWatchSet = (await loadWatchSet(configPath, env)) ?? configOnlyWatchSet(configPath);
  let watcher: FileWatcher = await startFileWatcher(current.set, handlers, signal);
  return {
    specFiles: () => current.specFiles,
    async refresh() {
      const next = await loadWatchSet(configPath, env);
      if (next === undefined) return false;
      const changed = next.set.key !== current.set.key;
      if (changed) {
        const previous = watcher;
        watcher = await startFileWatcher(next.set, handlers, signal);
        await previous.close();
      }
      current = next;
      return changed;
    },
    close: () => watcher.close(),
  };
}
