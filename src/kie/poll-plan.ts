/**
 * Pure: when to poll a task next, from what finished tasks of its model have taken
 * (kie/latency-model.ts). With too few samples it is the documented cadence (kie/poll.ts), so a
 * project's first build polls as it always did.
 *
 * With samples, polls go where finishes are likely: the first at the median, then each one a
 * fixed share further into what is left of the distribution, so every poll has a good chance of
 * finding the result and the ones that follow close in on the slowest tasks seen. Past the slowest
 * sample the task is a straggler and the gaps double towards the documented cadence, and no gap
 * is ever longer than the cadence would allow at that age or a third of it, whichever is longer:
 * a model with a heavy tail is polled no more, and its slow tasks are found no later, than before.
 *
 * Once a build has created its last task, the tasks still in flight are the ones that set its end,
 * and the poll budget they share is mostly idle: then gaps may shrink further (idleGap).
 */
import { durationAtShare, shareDoneBy } from './latency-model.js';
import { cadenceGap, nextPollDelay, type PollSchedule } from './poll-cadence.js';

/** Where the first poll lands: this share of the model's tasks has finished by then. */
const FIRST_SHARE = 0.5;
/** Each later poll covers this share of the tasks still running. */
const STEP_SHARE = 0.65;
/** Never two polls of one task closer than this… */
const MIN_GAP_MS = 100;
/** …or than this fraction of the model's median, whichever is longer. */
const MIN_GAP_OF_MEDIAN = 0.05;
/** A gap may always reach this fraction of the task's age, even where the cadence is tighter. */
const AGE_FRACTION = 1 / 3;
/** With spare poll budget, a poll may come once this share of the tasks still running would have finished… */
const IDLE_STEP_SHARE = 0.2;
/** …spending at most this share of the poll budget on those extra polls, split over the tasks in flight. */
const IDLE_BUDGET_SHARE = 0.5;

/**
 * Poll budget to spare at the end of a build (kie/poll-pace.ts): how many tasks share it. Absent
 * while the build still has tasks to create, when the tasks in flight are not the ones that set
 * its end.
 */
export interface SpareBudget {
  /** tasks being polled (this one included) */
  inFlight: number;
  /** the poll budget (api.pollRateLimit), polls per second */
  pollsPerSecond: number;
}

/** The delay before the next poll of a task `elapsedMs` old whose model's samples are `ascending`. */
export function plannedPollDelay(
  elapsedMs: number,
  attempt: number,
  schedule: PollSchedule,
  ascending: readonly number[],
  random: () => number = Math.random,
  spare?: SpareBudget,
): number {
  if (ascending.length === 0) return nextPollDelay(elapsedMs, attempt, schedule, random);
  const elapsed = Math.max(0, elapsedMs);
  const median = durationAtShare(ascending, 0.5);
  const minGap = Math.max(MIN_GAP_MS, MIN_GAP_OF_MEDIAN * median);
  const slowest = ascending[ascending.length - 1] ?? 0;
  let gap: number;
  if (attempt <= 0) {
    gap = durationAtShare(ascending, FIRST_SHARE) - elapsed;
  } else if (elapsed < slowest) {
    const done = shareDoneBy(ascending, elapsed);
    gap = durationAtShare(ascending, done + STEP_SHARE * (1 - done)) - elapsed;
    gap = Math.min(gap, Math.max(cadenceGap(elapsed, schedule), AGE_FRACTION * elapsed));
    if (spare !== undefined) gap = Math.min(gap, idleGap(elapsed, ascending, spare));
  } else {
    // a straggler: back off from the slowest finish seen, doubling, up to the cadence
    gap = Math.min(minGap + (elapsed - slowest), Math.max(cadenceGap(elapsed, schedule), AGE_FRACTION * elapsed));
  }
  return Math.round(Math.min(schedule.maxMs, Math.max(minGap, gap)));
}

/**
 * The gap spare poll budget allows a task past its first poll, `elapsedMs` old: only the last
 * tasks of a build set its end, and by then few are in flight and most of the budget sits idle,
 * so each poll may cover a smaller share of what is left (IDLE_STEP_SHARE), as long as all the
 * tasks in flight together stay within IDLE_BUDGET_SHARE of the budget. Where the budget is busy
 * the second bound is the longer and nothing changes; where no task is likely to finish soon
 * (a heavy tail's empty stretch), the first is. Pure.
 */
export function idleGap(elapsedMs: number, ascending: readonly number[], spare: SpareBudget): number {
  const done = shareDoneBy(ascending, elapsedMs);
  const byShare = durationAtShare(ascending, done + IDLE_STEP_SHARE * (1 - done)) - elapsedMs;
  return Math.max(byShare, spareGap(spare));
}

/** The shortest gap spare budget allows: every task in flight polled this often takes IDLE_BUDGET_SHARE of it. Pure. */
export function spareGap(spare: SpareBudget): number {
  return spare.pollsPerSecond > 0 ? (1000 * spare.inFlight) / (IDLE_BUDGET_SHARE * spare.pollsPerSecond) : Infinity;
}

/**
 * How likely the task is to have finished by now (0–1), for spending a tight poll budget on the
 * tasks most likely to be done. Unknown models rank by age against the cadence's first poll.
 */
export function chanceDone(elapsedMs: number, schedule: PollSchedule, ascending: readonly number[]): number {
  if (ascending.length === 0) return Math.min(1, Math.max(0, elapsedMs) / (schedule.initialMs * 5));
  return shareDoneBy(ascending, elapsedMs);
}
