/**
 * Where the content for a stale asset's spec comes from, once the plan knows it needs some: the
 * sources in order of cost, and the one place a plan decides to pay (or to hold, when an earlier
 * request for the spec may already have been charged). Pure.
 */
import type { ResumableTask } from '../store/journal.js';
import type { Action, AssetFacts, PlanOptions } from './decide.js';
import type { UnansweredCreate } from './journal-facts.js';
import type { LockTask } from './lock-results.js';

/**
 * Where the content for a stale asset's spec comes from, cheapest first: a task already paid for
 * (the journal), the cache, another output, the lock's task fetched from the API again; only then
 * a new task. `--regenerate` skips all but the journal.
 */
export function findSource(
  f: AssetFacts,
  change: string,
  intactBySpec: ReadonlyMap<string, { out: string; contentHash: string }>,
  options: PlanOptions,
): { action: Action; reason: string } {
  if (f.journal) return { action: resumeJournal(f.journal), reason: `${change}, resuming task ${f.journal.taskId}` };
  if (options.regenerate) return pay(f, { type: 'generate' }, change, options);
  if (f.cached) {
    const rebuilt = f.cacheRepair?.kind === 'rebuild' && f.cacheKey === undefined ? ' (cache record damaged, rebuilt from the audio)' : '';
    const from = f.pin ? `restoring pinned take ${f.pin.take} from cache` : 'restoring from cache';
    const source = f.cacheKey === undefined ? { kind: 'cache' as const } : { kind: 'cache' as const, key: f.cacheKey };
    return { action: { type: 'restore', source }, reason: `${change}, ${from}${rebuilt}` };
  }
  const sibling = intactBySpec.get(f.specHash);
  // another output of the same spec may hold another take than the one pinned here
  if (sibling && sibling.out !== f.asset.out && (f.pin === undefined || sibling.contentHash === f.pin.contentHash)) {
    return {
      action: { type: 'restore', source: { kind: 'output', out: sibling.out, contentHash: sibling.contentHash } },
      reason: `${change}, copying ${sibling.out}`,
    };
  }
  const task = f.lockTask;
  if (task?.status === 'recoverable') {
    return {
      action: { type: 'resume', taskId: task.taskId, createdAt: task.generatedAt ?? '', creditsCounted: true, recovered: true, seen: true },
      reason: `${change}, recoverable from the API (task ${task.taskId})`,
    };
  }
  if (f.pin) return pinLost(f, f.pin.take, change, task);
  if (task) {
    const why = notRecoverable(task);
    return pay(f, { type: 'generate', unrecoverable: { taskId: task.taskId, why } }, `${change}; ${why}`, options);
  }
  return pay(f, { type: 'generate' }, change, options);
}

/**
 * The pinned take's audio is in no cache entry and cannot be fetched again: a new take is not the
 * take the user chose, nor is another kept one, so neither is installed without their word.
 */
function pinLost(f: AssetFacts, take: number, change: string, task: LockTask | undefined): { action: Action; reason: string } {
  const id = f.asset.id;
  const fetch = task ? `, and ${notRecoverable(task)}` : ', and the lock names no task to fetch it again';
  return {
    action: { type: 'hold', sentAt: undefined, pinned: take },
    reason:
      `${change}; pinned take ${take} is no longer in the cache${fetch}: not generated again without your word ` +
      `(kieaudio takes ${id} and kieaudio pin ${id} TAKE to pin another take, kieaudio unpin ${id}, or build --regenerate --only ${id})`,
  };
}

/** The one place a plan decides to pay: unless a request for this spec may already have been charged. */
function pay(f: AssetFacts, action: Action, reason: string, options: PlanOptions): { action: Action; reason: string } {
  if (!f.unanswered) return { action, reason };
  if (options.resendUnanswered) return { action, reason: `${reason}, sending again (${describeUnanswered(f.unanswered)})` };
  return { action: { type: 'hold', sentAt: f.unanswered.sentAt }, reason: heldReason(f.unanswered) };
}

/** Why an asset is held: for `plan`, and for a build that finds out only on the way. */
export function heldReason(u: UnansweredCreate): string {
  return `maybe charged (${describeUnanswered(u)}); not sent again without --resend-unanswered`;
}

function describeUnanswered(u: UnansweredCreate): string {
  if (u.why === 'damaged') return 'its journal entry is damaged';
  const at = u.sentAt ?? 'an unknown time';
  if (u.why === 'in flight') return `sent at ${at} by a build running now, waiting for its answer`;
  return u.why === 'interrupted' ? `a build was interrupted waiting for an answer at ${at}` : `no answer at ${at}`;
}

function resumeJournal(task: ResumableTask): Action {
  return {
    type: 'resume',
    taskId: task.taskId,
    createdAt: task.createdAt,
    ...(task.creditsCounted ? { creditsCounted: true } : {}),
    ...(task.seenAt ? { seen: true } : {}),
  };
}

/** Why the lock's task for a spec will not be asked for its result again. */
function notRecoverable(task: LockTask): string {
  switch (task.status) {
    case 'expired':
      return `task ${task.taskId} (${task.generatedAt ?? 'date unknown'}) is past kie.ai's 14-day retention`;
    case 'other-api':
      return `task ${task.taskId} was made on ${task.baseUrl ?? 'another API'}, not on this API`;
    default:
      return `the lock does not say which API made task ${task.taskId}`;
  }
}
