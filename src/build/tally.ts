/**
 * A build's bookkeeping in one place: every event passes through `emit`, which counts it into
 * the summary and the list of failures before handing it on. The code that does the work only
 * reports what happened; it never touches a counter, so a count cannot drift from the events
 * that `--json` readers and the terminal see.
 */
import type { BuildEvent, BuildSummary } from '../events.js';

export interface AssetFailure {
  asset: string;
  out: string;
  code: string;
  message: string;
  taskId?: string | undefined;
  maybeCharged: boolean;
}

export interface Tally {
  /** counts `event`, then passes it on */
  emit(event: BuildEvent): void;
  readonly summary: Readonly<BuildSummary>;
  readonly failures: readonly AssetFailure[];
  /** the plan's orphaned lock entries, for the summary */
  setOrphans(count: number): void;
  /**
   * Stamps the duration and reports the summary: the last event of a build. `stopped`: the build
   * ends on an error, and the planned work that never got an outcome counts as not started.
   */
  finish(options?: { stopped?: boolean }): BuildSummary;
}

/** A summary with every count at zero. */
export function emptySummary(placeholders = false): BuildSummary {
  return {
    generated: 0,
    resumed: 0,
    recovered: 0,
    restored: 0,
    upToDate: 0,
    failed: 0,
    kept: 0,
    notStarted: 0,
    held: 0,
    orphans: 0,
    creditsUsed: 0,
    possibleDuplicateCharges: 0,
    placeholders,
    durationMs: 0,
  };
}

export function createTally(onEvent: (event: BuildEvent) => void, options: { startedAt: number; placeholders: boolean }): Tally {
  const summary = emptySummary(options.placeholders);
  const failures: AssetFailure[] = [];
  // outs with planned work and no outcome yet
  const open = new Set<string>();
  // outs counted as made, and under which count: a failure after (a sidecar that cannot be written) takes its place
  const made = new Map<string, MadeCount>();

  const emit = (event: BuildEvent): void => {
    recount(summary, made, event);
    count(summary, failures, event);
    if (event.type === 'planned' && WORK.has(event.action)) open.add(event.out);
    else if (SETTLED.has(event.type) && 'out' in event && event.out !== undefined) open.delete(event.out);
    onEvent(event);
  };
  return {
    emit,
    summary,
    failures,
    setOrphans(count) {
      summary.orphans = count;
    },
    finish(finishOptions = {}) {
      if (finishOptions.stopped) summary.notStarted += open.size;
      summary.durationMs = Date.now() - options.startedAt;
      emit({ type: 'summary', ...summary });
      return { ...summary };
    },
  };
}

type MadeCount = 'generated' | 'resumed' | 'recovered' | 'restored';

/** One outcome per asset: one that failed after its audio was installed is counted as failed only. */
function recount(summary: BuildSummary, made: Map<string, MadeCount>, event: BuildEvent): void {
  if (event.type === 'failed') {
    const counted = made.get(event.out);
    if (counted !== undefined) summary[counted]--;
    made.delete(event.out);
    return;
  }
  if (event.type === 'generated') {
    made.set(event.out, event.origin === 'resumed' ? 'resumed' : event.origin === 'recovered' ? 'recovered' : 'generated');
  } else if (event.type === 'restored' || event.type === 'adopted' || (event.type === 'sidecars' && event.alone)) {
    made.set(event.out, 'restored');
  }
}

const WORK = new Set<string>(['restore', 'resume', 'generate', 'adopt', 'sidecars']);
const SETTLED = new Set<string>(['generated', 'restored', 'adopted', 'failed', 'held', 'sidecars']);

function count(summary: BuildSummary, failures: AssetFailure[], event: BuildEvent): void {
  switch (event.type) {
    case 'planned':
      if (event.action === 'up-to-date') summary.upToDate++;
      return;
    case 'remote':
      countRemote(summary, event.op);
      break;
    case 'kept':
      summary.kept++;
      return;
    case 'held':
      summary.held++;
      return;
    case 'generated':
      // a task an earlier build created is not a new generation (its credits, if any, are still this build's to report)
      if (event.origin === 'resumed') summary.resumed++;
      else if (event.origin === 'recovered') summary.recovered++;
      else summary.generated++;
      summary.creditsUsed += event.credits ?? 0;
      return;
    case 'restored':
    case 'adopted':
      summary.restored++;
      return;
    case 'sidecars':
      // an asset whose audio was up to date and whose sidecars were written: free work, like a restore
      if (event.alone) summary.restored++;
      return;
    case 'failed':
      if (event.notStarted) summary.notStarted++;
      else summary.failed++;
      // a task paid for whose result could not be installed (yet) still cost what it cost
      summary.creditsUsed += event.credits ?? 0;
      if (event.maybeCharged) summary.possibleDuplicateCharges++;
      failures.push({
        asset: event.asset,
        out: event.out,
        code: event.code,
        message: event.message,
        ...(event.taskId === undefined ? {} : { taskId: event.taskId }),
        maybeCharged: event.maybeCharged === true,
      });
      return;
    case 'warning':
      // a create request an interrupted build sent and never heard back from
      if (event.code === 'W_MAYBE_CHARGED') summary.possibleDuplicateCharges++;
      return;
    default:
      return;
  }
}

const REMOTE_COUNTS = { hit: 'hits', miss: 'misses', upload: 'uploads', error: 'errors' } as const;

function countRemote(summary: BuildSummary, op: keyof typeof REMOTE_COUNTS): void {
  summary.remote ??= { hits: 0, misses: 0, uploads: 0, errors: 0 };
  summary.remote[REMOTE_COUNTS[op]]++;
}
