/**
 * One rebuild of watch mode: an ordinary `build()` of the project as it is now, reported as a
 * `rebuild` event first. A build that cannot run (invalid input, no key, a bug) is a
 * `rebuild-error`, never the end of the session: the last good state stays and watching goes on.
 */
import { build } from '../build/build.js';
import { KieaudioError, ValidationError } from '../errors.js';
import type { FileChange, WatchEvent } from '../events.js';
import type { Orphan } from '../plan/decide.js';
import type { ChangeKind } from './rebuild-queue.js';
import type { WatchOptions } from './watch.js';
import type { WatchedFiles } from './watched-files.js';

export interface RebuildSession {
  options: WatchOptions;
  cwd: string;
  configPath: string;
  signal: AbortSignal;
  emit: (event: WatchEvent) => void;
  /** how a path is shown: relative to cwd */
  display: (path: string) => string;
  files: () => WatchedFiles | undefined;
}

export function describeChanges(session: Pick<RebuildSession, 'display'>, changes: ReadonlyMap<string, ChangeKind>): FileChange[] {
  return [...changes].map(([path, change]) => ({ file: session.display(path), change }));
}

/** The queue's `run`: rebuild number n (0 is the first build) for these changes. */
export function createRebuild(session: RebuildSession): (changes: ReadonlyMap<string, ChangeKind>) => Promise<void> {
  const { emit, signal, configPath } = session;
  const reportOrphans = createOrphanReporter(emit);
  let n = 0;
  return async (changes) => {
    const number = n++;
    try {
      const watchSetChanged = changes.has(configPath) && ((await session.files()?.refresh()) ?? false);
      emit({ type: 'rebuild', n: number, at: new Date().toISOString(), changes: describeChanges(session, changes) });
      await buildOnce(session, number, reportOrphans);
      if (signal.aborted) return;
      if (number === 0 || watchSetChanged) {
        emit({ type: 'watching', config: session.display(configPath), specFiles: session.files()?.specFiles() ?? 0 });
      }
    } catch (error) {
      if (!signal.aborted) emit(rebuildError(number, error));
    }
  };
}

async function buildOnce(session: RebuildSession, n: number, reportOrphans: (orphans: readonly Orphan[]) => void): Promise<void> {
  const { options, signal } = session;
  try {
    const result = await build({
      cwd: session.cwd,
      configPath: session.configPath,
      ...(options.env ? { env: options.env } : {}),
      ...(options.only ? { only: options.only } : {}),
      offline: options.offline === true,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      signal,
      onEvent: session.emit,
    });
    reportOrphans(result.plan.orphans);
  } catch (error) {
    if (!signal.aborted) session.emit(rebuildError(n, error));
  }
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
