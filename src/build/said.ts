/**
 * What a plain build says, kept while it could still be a no-op: if it did nothing, it is what the
 * next `kieaudio build` says without loading anything (stamp-up-to-date.ts, up-to-date.ts).
 */
import type { BuildEvent, BuildSummary } from '../events.js';
import type { Plan } from '../plan/decide.js';
import type { Project } from '../project.js';
import type { LoadedProject } from '../spec/prepare.js';
import type { ProjectStore } from '../store/project-store.js';
import { isRepeatable, saveStampIfUpToDate, type stateStamps } from './stamp-up-to-date.js';
import type { StampOptions } from './up-to-date-stamp.js';

/** A plain build's events since it started (its files must not have changed since: stamp-up-to-date.ts). */
export interface Said {
  startedAt: number;
  /** the lock, journal, manifest… before the build read them (stamp-up-to-date.ts: stateStamps) */
  stateBefore: ReturnType<typeof stateStamps>;
  /** undefined once the build said something a no-op build does not */
  events: BuildEvent[] | undefined;
}

export function startSaying(startedAt: number): Said {
  return { startedAt, stateBefore: [], events: [] };
}

/** `onEvent`, keeping what a no-op build would say in `said`. */
export function recording(onEvent: ((event: BuildEvent) => void) | undefined, said: Said | undefined): (event: BuildEvent) => void {
  const pass = onEvent ?? (() => undefined);
  if (said === undefined) return pass;
  return (event) => {
    if (said.events !== undefined && event.type !== 'summary') {
      // a build that did something is not stamped: what it says is not kept (a big build says a lot)
      if (isRepeatable(event)) said.events.push(event);
      else said.events = undefined;
    }
    pass(event);
  };
}

interface Done {
  loaded: LoadedProject;
  store: ProjectStore;
  done: { project: Project; plan: Plan; summary: BuildSummary };
  options: StampOptions;
}

/** A plain build that did nothing tells the next one it may say the same. */
export async function stampIfPlain(said: Said | undefined, { loaded, store, done, options }: Done): Promise<void> {
  const events = said?.events;
  if (said === undefined || events === undefined) return;
  const { project, plan, summary } = done;
  const finished = { project, store, plan, summary, ...said, events, options, head: loaded.head() };
  // only a shortcut for the next build: one that cannot be written is no failure of this one
  await saveStampIfUpToDate(finished).catch(() => undefined);
}
