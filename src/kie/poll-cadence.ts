/**
 * Pure: the polling cadence kie documents (docs/kie-api.md §2): every 2–3 s for the first 30 s,
 * 5–10 s up to 2 min, then 15–30 s. Polling falls back to it for models it knows nothing about.
 */
export interface PollSchedule {
  /** delay before the first poll; also scales the whole documented cadence (2000 = as documented) */
  initialMs: number;
  /** longest gap between polls */
  maxMs: number;
  /** give up (E_TASK_TIMEOUT) after this long; the task may still finish and can be re-polled */
  timeoutMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 2_000, maxMs: 30_000, timeoutMs: 15 * 60_000 };

/** The documented cadence is written for initialMs = 2000. */
const DOC_INITIAL_MS = 2_000;

/**
 * The gap the documented cadence leaves after a task `elapsedMs` old, scaled by initialMs/2000,
 * before jitter and the maxMs cap. Pure.
 */
export function cadenceGap(elapsedMs: number, schedule: PollSchedule): number {
  const scale = schedule.initialMs / DOC_INITIAL_MS;
  if (scale <= 0) return schedule.initialMs;
  const t = Math.max(0, elapsedMs) / scale; // elapsed time on the documented clock
  let base: number;
  if (t < 30_000) base = 2_000 + (1_000 * t) / 30_000;
  else if (t < 120_000) base = 5_000 + (5_000 * (t - 30_000)) / 90_000;
  else base = Math.min(30_000, 15_000 + (15_000 * (t - 120_000)) / 180_000);
  return base * scale;
}

/**
 * The gap before the next poll on the documented cadence. Pure. `attempt` 0 is the first poll
 * after creation and waits `initialMs`; later gaps follow the cadence by elapsed time, with ±20 %
 * jitter so parallel builds do not poll in lockstep, capped at maxMs.
 */
export function nextPollDelay(elapsedMs: number, attempt: number, schedule: PollSchedule, random: () => number = Math.random): number {
  const base = attempt <= 0 ? schedule.initialMs : cadenceGap(elapsedMs, schedule);
  const jittered = base * (0.8 + 0.4 * random());
  return Math.max(0, Math.round(Math.min(schedule.maxMs, jittered)));
}
