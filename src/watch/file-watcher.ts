/**
 * File events for a watch set, from chokidar. chokidar is imported here, when watching starts,
 * so no other command pays for loading it.
 */
import { abortError } from '../errors.js';
import type { ChangeKind } from './rebuild-queue.js';
import type { WatchSet } from './watch-set.js';

export interface FileWatcher {
  close(): Promise<void>;
}

export interface FileWatcherHandlers {
  onChange(path: string, change: ChangeKind): void;
  onError(error: Error): void;
}

/** Resolves once the initial scan is done, so no change after that can be missed. */
export async function startFileWatcher(set: WatchSet, handlers: FileWatcherHandlers, signal: AbortSignal): Promise<FileWatcher> {
  if (signal.aborted) throw abortError(signal);
  const { watch } = await import('chokidar');
  const watcher = watch(set.roots, {
    ignoreInitial: true,
    // chokidar asks twice: first without stats (only sure answers then), then with them
    ignored: (path, stats) => set.ignores(path, stats === undefined ? undefined : stats.isDirectory() ? 'dir' : 'file'),
  });
  // chokidar may not consult `ignored` for every later event, so each is checked here too
  const forward = (change: ChangeKind) => (path: string) => {
    if (set.matches(path)) handlers.onChange(path, change);
  };
  watcher.on('add', forward('added'));
  watcher.on('change', forward('changed'));
  watcher.on('unlink', forward('removed'));
  watcher.on('error', (error) => handlers.onError(error instanceof Error ? error : new Error(String(error))));

  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      watcher.once('ready', () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  } catch (error) {
    await watcher.close();
    throw error;
  }
  return { close: () => watcher.close() };
}
