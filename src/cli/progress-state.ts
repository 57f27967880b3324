/**
 * Pure: a build's events folded into the counts the live progress area shows. No clock and no
 * output here, so the arithmetic can be tested on its own.
 */
import type { ActionType, WatchEvent } from '../events.js';

type Phase = 'queued' | 'in flight' | 'done' | 'failed';

/** Actions that mean work; `paid` ones go through the API and set the pace of the build. */
const WORK: ReadonlySet<ActionType> = new Set(['generate', 'resume', 'restore', 'adopt']);
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

export function createProgressState(): ProgressState {
  let phases = new Map<string, { phase: Phase; paid: boolean }>();
  let upToDate = 0;
  let credits = 0;

  const move = (out: string, phase: Phase) => {
    const entry = phases.get(out);
    if (entry !== undefined) entry.phase = phase;
    // a result for an asset this state never saw planned (a resumed task) still counts
    else phases.set(out, { phase, paid: true });
  };

  return {
    apply(event) {
      switch (event.type) {
        case 'planned':
          if (event.action === 'up-to-date') upToDate++;
          else if (WORK.has(event.action)) phases.set(event.out, { phase: 'queued', paid: PAID.has(event.action) });
          break;
        case 'submitted':
        case 'state':
          if (phases.get(event.out)?.phase === 'queued' || !phases.has(event.out)) move(event.out, 'in flight');
          break;
        case 'generated':
          credits += event.credits ?? 0;
          move(event.out, 'done');
          break;
        case 'restored':
        case 'adopted':
          move(event.out, 'done');
          break;
        case 'failed':
          move(event.out, 'failed');
          break;
        default:
          break;
      }
    },
    counts() {
      const c: ProgressCounts = { queued: 0, inFlight: 0, done: 0, failed: 0, upToDate, credits, paidFinished: 0, paidRemaining: 0 };
      for (const { phase, paid } of phases.values()) {
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
    },
    busy() {
      for (const { phase } of phases.values()) if (phase === 'queued' || phase === 'in flight') return true;
      return false;
    },
    reset() {
      phases = new Map();
      upToDate = 0;
      credits = 0;
    },
  };
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
