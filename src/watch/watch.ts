/**
 * `watch`: build, then build again whenever the config, `.env` or a spec file matched by
 * `include` is created, changed or deleted. Each rebuild is a `build()` of the project kept in
 * memory, which re-resolves only the files saved and plans only the assets they changed (and what
 * the last rebuild did not finish): see live-project.ts and docs/watch.md.
 *
 * An invalid edit is reported and the last good state stays: nothing is written until it is
 * fixed. Changes during a build wait for it (see rebuild-queue.ts). Stopping (the signal, or
 * close()) interrupts a running build the way Ctrl-C does: tasks in flight stay in the journal
 * and the next build resumes them.
 */
import { relative, resolve, sep } from 'node:path';
import { abortError, KieaudioError } from '../errors.js';
import type { WatchEvent } from '../events.js';
import { findConfig } from '../spec/load.js';
import type { CommonOptions } from '../spec/prepare.js';
import type { FileWatcherHandlers } from './file-watcher.js';
import { createRebuild, describeChanges, type RebuildSession } from './rebuild.js';
import { createRebuildQueue } from './rebuild-queue.js';
import { type WatchedFiles, watchFiles } from './watched-files.js';

/**
 * Long enough to fold an editor's or formatter's burst of saves (and a busy machine's hiccups)
 * into one build, short enough to go unnoticed next to the build itself.
 */
export const DEFAULT_DEBOUNCE_MS = 200;

export interface WatchOptions extends CommonOptions {
  /** most tasks in flight; overrides the config */
  concurrency?: number;
  /** quiet period after the last change before a rebuild; default 200 ms */
  debounceMs?: number;
  /** stops watching (like close()) */
  signal?: AbortSignal;
  onEvent?: (event: WatchEvent) => void;
}

export interface Watcher {
  /** Stops watching. A build in progress is interrupted like Ctrl-C, and awaited. */
  close(): Promise<void>;
  /** resolves once watching has stopped, by close() or by the signal */
  readonly closed: Promise<void>;
}

/**
 * Resolves once the files are being watched; the first build has started by then. Rejects only
 * when there is nothing to watch (no config found) or the signal fired first.
 */
export async function watch(options: WatchOptions = {}): Promise<Watcher> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (options.signal?.aborted) throw abortError(options.signal);
  const configPath = await findConfig(cwd, options.configPath);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let files: WatchedFiles | undefined;
  const session: RebuildSession = {
    options,
    cwd,
    configPath,
    signal: controller.signal,
    emit: options.onEvent ?? (() => undefined),
    display: (path) => relative(cwd, path).split(sep).join('/') || path,
    files: () => files,
  };
  const queue = createRebuildQueue({
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    run: createRebuild(session),
    onDeferred: (changes) =>
      session.emit({ type: 'rebuild-queued', at: new Date().toISOString(), changes: describeChanges(session, changes) }),
  });
  const handlers: FileWatcherHandlers = {
    onChange: (path, change) => queue.add(path, change),
    onError: (error) => session.emit({ type: 'warning', code: 'W_WATCH', message: `watching files: ${error.message}` }),
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!controller.signal.aborted) controller.abort(new KieaudioError('E_ABORTED', 'watch closed'));
      options.signal?.removeEventListener('abort', onAbort);
      await queue.close();
      await files?.close();
    })());
  const closed = whenAborted(controller.signal).then(stop);

  try {
    files = await watchFiles(configPath, options.env ?? process.env, handlers, controller.signal);
  } catch (error) {
    await stop();
    throw error;
  }
  queue.runNow();
  return { close: () => stop().then(() => closed), closed };
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolveAborted) => {
    if (signal.aborted) resolveAborted();
    else signal.addEventListener('abort', () => resolveAborted(), { once: true });
  });
}
