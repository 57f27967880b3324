/**
 * `watch`: build, then build again whenever the config, `.env` or a spec file matched by
 * `include` is created, changed or deleted. Each rebuild is an ordinary `build()`, which skips
 * every asset whose spec hash and output are unchanged, so only what an edit affected is
 * generated or restored.
 *
 * An invalid edit is reported and the last good state stays: nothing is written until it is
 * fixed. Changes during a build wait for it (see rebuild-queue.ts). Stopping (the signal, or
 * close()) interrupts a running build the way Ctrl-C does: tasks in flight stay in the journal
 * and the next build resumes them.
 */
import { relative, resolve, sep } from 'node:path';
import { build } from '../build/build.js';
import { KieaudioError, ValidationError, abortError } from '../errors.js';
import type { FileChange, WatchEvent } from '../events.js';
import type { Orphan } from '../plan/decide.js';
import type { CommonOptions } from '../spec/prepare.js';
import { findConfig } from '../spec/load.js';
import { startFileWatcher, type FileWatcher, type FileWatcherHandlers } from './file-watcher.js';
import { configOnlyWatchSet, loadWatchSet, type LoadedWatchSet } from './load-watch-set.js';
import { createRebuildQueue, type ChangeKind } from './rebuild-queue.js';

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
  const emit = options.onEvent ?? (() => undefined);
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  if (options.signal?.aborted) throw abortError(options.signal);
  const configPath = await findConfig(cwd, options.configPath);
  const display = (path: string) => relative(cwd, path).split(sep).join('/') || path;
  const describe = (changes: ReadonlyMap<string, ChangeKind>): FileChange[] =>
    [...changes].map(([path, change]) => ({ file: display(path), change }));

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;

  let current: LoadedWatchSet = (await loadWatchSet(configPath, env)) ?? configOnlyWatchSet(configPath);
  let files: FileWatcher | undefined;
  const handlers: FileWatcherHandlers = {
    onChange: (path, change) => queue.add(path, change),
    onError: (error) => emit({ type: 'warning', code: 'W_WATCH', message: `watching files: ${error.message}` }),
  };

  /** After a config edit: watch what the new `include` reaches (new watcher first, so nothing slips by). */
  const refreshWatchSet = async (): Promise<boolean> => {
    const next = await loadWatchSet(configPath, env);
    if (next === undefined) return false;
    const changed = next.set.key !== current.set.key;
    if (changed) {
      const previous = files;
      files = await startFileWatcher(next.set, handlers, signal);
      await previous?.close();
    }
    current = next;
    return changed;
  };

  const reportOrphans = createOrphanReporter(emit);
  let n = 0;
  const rebuild = async (changes: ReadonlyMap<string, ChangeKind>): Promise<void> => {
    const number = n++;
    try {
      const watchSetChanged = changes.has(configPath) && (await refreshWatchSet());
      emit({ type: 'rebuild', n: number, at: new Date().toISOString(), changes: describe(changes) });
      try {
        const result = await build({
          cwd,
          configPath,
          ...(options.env ? { env: options.env } : {}),
          ...(options.only ? { only: options.only } : {}),
          offline: options.offline === true,
          ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
          signal,
          onEvent: emit,
        });
        reportOrphans(result.plan.orphans);
      } catch (error) {
        if (signal.aborted) return;
        emit(rebuildError(number, error));
      }
      if (number === 0 || watchSetChanged) emit({ type: 'watching', config: display(configPath), specFiles: current.specFiles });
    } catch (error) {
      if (!signal.aborted) emit(rebuildError(number, error));
    }
  };

  const queue = createRebuildQueue({
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    run: rebuild,
    onDeferred: (changes) => emit({ type: 'rebuild-queued', at: new Date().toISOString(), changes: describe(changes) }),
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!signal.aborted) controller.abort(new KieaudioError('E_ABORTED', 'watch closed'));
      options.signal?.removeEventListener('abort', onAbort);
      await queue.close();
      await files?.close();
    })());
  const closed = new Promise<void>((resolveClosed) => {
    const onStop = () => void stop().then(resolveClosed);
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
  });

  try {
    files = await startFileWatcher(current.set, handlers, signal);
  } catch (error) {
    await stop();
    throw error;
  }
  queue.runNow();
  return { close: () => stop().then(() => closed), closed };
}

/** Orphans are reported when they appear (all of them after the first build), not after every rebuild. */
function createOrphanReporter(emit: (event: WatchEvent) => void): (orphans: readonly Orphan[]) => void {
  let known: ReadonlySet<string> | undefined;
  return (orphans) => {
    for (const o of orphans) {
      if (!known?.has(o.out)) emit({ type: 'orphan', out: o.out, intact: o.intact, exists: o.exists });
    }
    known = new Set(orphans.map((o) => o.out));
  };
}

function rebuildError(n: number, error: unknown): WatchEvent {
  if (error instanceof ValidationError) {
    return { type: 'rebuild-error', n, code: error.code, message: error.message, diagnostics: error.diagnostics };
  }
  if (error instanceof KieaudioError) return { type: 'rebuild-error', n, code: error.code, message: error.message };
  // a bug must not end the session: say so and keep watching
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { type: 'rebuild-error', n, code: 'E_INTERNAL', message: `internal error: ${message}` };
}
