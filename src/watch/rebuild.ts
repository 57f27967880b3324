/**
 * One rebuild of watch mode: a `build()` of the project as it is now, kept in memory and planned
 * only where an edit can have changed something (live-project.ts), reported as a `rebuild` event
 * first. A build that cannot run (invalid input, no key, a bug) is a
 * `rebuild-error`, never the end of the session: the last good state stays and watching goes on.
 */
import { build } from '../build/build.js';
import { KieaudioError, ValidationError } from '../errors.js';
import type { BuildEvent, FileChange, WatchEvent } from '../events.js';
import type { Orphan } from '../plan/decide.js';
import { type BuildOutcome, createLiveProject, type LiveProject, type Rebuilding } from './live-project.js';
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
  const { emit, signal, configPath, options } = session;
  const reportOrphans = createOrphanReporter(emit);
  const live = createLiveProject({ cwd: session.cwd, configPath, env: options.env, only: options.only });
  let n = 0;
  return async (changes) => {
    const number = n++;
    // the end of the quiet period: what watch's figures are measured from (bench/watch.ts)
    const at = new Date().toISOString();
    try {
      const watchSetChanged = changes.has(configPath) && ((await session.files()?.refresh()) ?? false);
      const prepared = await live.prepare(changes).then(
        (rebuilding) => ({ rebuilding }),
        (error: unknown) => ({ error }),
      );
      const checked = 'rebuilding' in prepared ? prepared.rebuilding.checked : undefined;
      emit({ type: 'rebuild', n: number, at, changes: describeChanges(session, changes), ...(checked ? { checked } : {}) });
      if ('rebuilding' in prepared) await buildOnce(session, { n: number, live, rebuilding: prepared.rebuilding }, reportOrphans);
      else if (!signal.aborted) emit(rebuildError(number, prepared.error));
      if (signal.aborted) return;
      if (number === 0 || watchSetChanged) {
        emit({ type: 'watching', config: session.display(configPath), specFiles: session.files()?.specFiles() ?? 0 });
      }
    } catch (error) {
      if (!signal.aborted) emit(rebuildError(number, error));
    }
  };
}

interface OneBuild {
  n: number;
  live: LiveProject;
  rebuilding: Rebuilding;
}

async function buildOnce(session: RebuildSession, one: OneBuild, reportOrphans: (orphans: readonly Orphan[]) => void): Promise<void> {
  const { options, signal } = session;
  let outcome: BuildOutcome | undefined;
  // assets not checked again are those the last build left up to date and no edit changed: the
  // summary counts them as up to date, as a full build would find them (docs/watch.md)
  const { checked } = one.rebuilding;
  const unchecked = checked === undefined ? 0 : checked.of - checked.assets;
  const finished = createFinishedOuts();
  const onEvent = (event: BuildEvent) => {
    finished.observe(event);
    session.emit(event.type === 'summary' ? { ...event, upToDate: event.upToDate + unchecked } : event);
  };
  try {
    const result = await build({
      cwd: session.cwd,
      configPath: session.configPath,
      offline: options.offline === true,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      signal,
      onEvent,
      prepared: one.rebuilding.loaded,
    });
    const stale = result.plan.items.filter((i) => i.action.type !== 'up-to-date').map((i) => i.asset.out);
    outcome = { stale, finished: finished.outs() };
    reportOrphans(result.plan.orphans);
  } catch (error) {
    if (!signal.aborted) session.emit(rebuildError(one.n, error));
  } finally {
    one.live.settle(one.rebuilding, outcome);
  }
}

/** The outs a build brought up to date: done, and not failed (or left alone) since. */
function createFinishedOuts(): { observe(event: BuildEvent): void; outs(): ReadonlySet<string> } {
  const done = new Set<string>();
  const unfinished = new Set<string>();
  return {
    observe(event) {
      if (event.type === 'generated' || event.type === 'restored' || event.type === 'adopted' || event.type === 'sidecars')
        done.add(event.out);
      else if (event.type === 'failed' || event.type === 'held' || event.type === 'kept') unfinished.add(event.out);
    },
    outs: () => new Set([...done].filter((out) => !unfinished.has(out))),
  };
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
