/**
 * Pure: a build's events folded into the counts the live progress area shows. No clock and no
 * output here, so the arithmetic can be tested on its own.
 */
import type { ActionType, WatchEvent } from '../events.js';

type Phase = 'queued' | 'in flight' | 'done' | 'failed';

/** Actions that mean work; `paid` ones go through the API and set the pace of the build. */
const WORK: ReadonlySet<ActionType> = new Set(['generate', 'resume', 'restore', 'adopt', 'sidecars']);
const PAID: ReadonlySet<ActionType> = new Set(['generate', 'resume']);

export interface ProgressCounts {
  queued: number;
  inFlight: number;
  done: number;
  failed: number;
  upToDate: number;
  credits: number;
  /** finished and remaining work that goes through the API (generate, resume) */
  paidFinished: number;
  paidRemaining: number;
}

export interface ProgressState {
  apply(event: WatchEvent): void;
  counts(): ProgressCounts;
  /** there is work this build has not finished */
  busy(): boolean;
  reset(): void;
}

/** Where each asset of this build is, and what is counted rather than tracked per asset. */
interface Tally {
  phases: Map<string, { phase: Phase; paid: boolean }>;
  upToDate: number;
  credits: number;
}

export function createProgressState(): ProgressState {
  const tally: Tally = { phases: new Map(), upToDate: 0, credits: 0 };
  return {
    apply: (event) => applyEvent(tally, event),
    counts: () => countPhases(tally),
    busy: () => hasUnfinishedWork(tally),
    reset() {
      tally.phases = new Map();
      tally.upToDate = 0;
      tally.credits = 0;
    },
  };
}

function applyEvent(tally: Tally, event: WatchEvent): void {
  const { phases } = tally;
  switch (event.type) {
    case 'planned':
      if (event.action === 'up-to-date') tally.upToDate++;
      else if (WORK.has(event.action)) phases.set(event.out, { phase: 'queued', paid: PAID.has(event.action) });
      break;
    case 'submitted':
    case 'state':
      if (phases.get(event.out)?.phase === 'queued' || !phases.has(event.out)) movePhase(tally, event.out, 'in flight');
      break;
    case 'generated':
      tally.credits += event.credits ?? 0;
      movePhase(tally, event.out, 'done');
      break;
    case 'restored':
    case 'adopted':
      movePhase(tally, event.out, 'done');
      break;
    case 'sidecars':
      if (event.alone) movePhase(tally, event.out, 'done');
      break;
    case 'failed':
      movePhase(tally, event.out, 'failed');
      break;
    default:
      break;
  }
}

function movePhase(tally: Tally, out: string, phase: Phase): void {
  const entry = tally.phases.get(out);
  if (entry !== undefined) entry.phase = phase;
  // a result for an asset this state never saw planned (a resumed task) still counts
  else tally.phases.set(out, { phase, paid: true });
}

function countPhases(tally: Tally): ProgressCounts {
  const { upToDate, credits } = tally;
  const c: ProgressCounts = { queued: 0, inFlight: 0, done: 0, failed: 0, upToDate, credits, paidFinished: 0, paidRemaining: 0 };
  for (const { phase, paid } of tally.phases.values()) {
    if (phase === 'queued') c.queued++;
    else if (phase === 'in flight') c.inFlight++;
    else if (phase === 'done') c.done++;
    else c.failed++;
    if (paid) {
      if (phase === 'done' || phase === 'failed') c.paidFinished++;
      else c.paidRemaining++;
    }
  }
  return c;
}

function hasUnfinishedWork(tally: Tally): boolean {
  for (const { phase } of tally.phases.values()) if (phase === 'queued' || phase === 'in flight') return true;
  return false;
}

/**
 * Time left, from the pace so far. Paid work sets the pace when there is any left (restores
 * finish in milliseconds and would make a long build look short); undefined until one finished.
 */
export function estimateRemainingMs(elapsedMs: number, counts: ProgressCounts): number | undefined {
  const remaining = counts.queued + counts.inFlight;
  if (remaining === 0) return 0;
  if (counts.paidRemaining > 0) {
    return counts.paidFinished > 0 ? (elapsedMs / counts.paidFinished) * counts.paidRemaining : undefined;
  }
  const finished = counts.done + counts.failed;
  return finished > 0 ? (elapsedMs / finished) * remaining : undefined;
}
