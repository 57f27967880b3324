import { describe, expect, it } from 'vitest';
import { createLatencyModel, durationAtShare, MIN_SAMPLES, shareDoneBy } from '../../src/kie/latency-model.js';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay } from '../../src/kie/poll-cadence.js';
import { chanceDone, plannedPollDelay, type SpareBudget } from '../../src/kie/poll-plan.js';

const mid = () => 0.5;

/** A seeded uniform source, so the figures below are the same on every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** Polls a task of `latencyMs` takes, and how late its result is seen, on a virtual clock. */
function pollTask(latencyMs: number, samples: readonly number[]): { polls: number; lateMs: number } {
  let t = 0;
  for (let attempt = 0; ; attempt++) {
    t += plannedPollDelay(t, attempt, DEFAULT_POLL_SCHEDULE, samples, mid);
    if (t >= latencyMs) return { polls: attempt + 1, lateMs: t - latencyMs };
  }
}

function uniform(n: number, min: number, max: number, random: () => number): number[] {
  return Array.from({ length: n }, () => min + (max - min) * random());
}

function sortedModel(samples: number[]): readonly number[] {
  const model = createLatencyModel();
  for (const ms of samples) model.add('m', ms);
  return model.known('m');
}

describe('latency model', () => {
  it('knows a model only from MIN_SAMPLES on, keeps the newest 64, and ignores implausible durations', () => {
    const model = createLatencyModel({ m: [1000, 2000] });
    expect(model.known('m')).toEqual([]);
    model.add('m', -5);
    model.add('m', Number.NaN);
    for (let i = 0; i < MIN_SAMPLES - 3; i++) model.add('m', 1500);
    expect(model.known('m')).toEqual([]);
    model.add('m', 500);
    expect(model.known('m')).toEqual([500, 1000, ...Array(MIN_SAMPLES - 3).fill(1500), 2000]);
    expect(model.changed).toBe(true);
    for (let i = 0; i < 100; i++) model.add('m', 3000 + i);
    expect(model.snapshot().m).toHaveLength(64);
    expect(model.snapshot().m?.at(-1)).toBe(3099);
  });

  it("plans from history alone while a build's own finishes come in, and keeps them for the next build", () => {
    const model = createLatencyModel({ m: [4000, 5000, 6000, 7000] });
    // the quick tasks of this build finish first: planning from them would poll the slow ones too early
    for (const ms of [1000, 1100, 1200, 1300, 1400]) model.add('m', ms);
    expect(model.known('m')).toEqual([4000, 5000, 6000, 7000]);
    expect(createLatencyModel(model.snapshot()).known('m')).toEqual([1000, 1100, 1200, 1300, 1400, 4000, 5000, 6000, 7000]);
    // with no history, the build's own finishes are all there is
    const fresh = createLatencyModel();
    for (const ms of [1000, 1100, 1200, 1300]) fresh.add('m', ms);
    expect(fresh.known('m')).toEqual([1000, 1100, 1200, 1300]);
  });

  it('reads shares and durations as inverses of each other', () => {
    const samples = [1000, 2000, 3000, 4000];
    for (const p of [0.125, 0.3, 0.5, 0.8]) expect(shareDoneBy(samples, durationAtShare(samples, p))).toBeCloseTo(p, 6);
    expect(shareDoneBy(samples, 5000)).toBe(1);
    expect(durationAtShare(samples, 1)).toBe(4000);
  });
});

describe('plannedPollDelay', () => {
  it('keeps the documented cadence while the model is unknown', () => {
    for (const [elapsed, attempt] of [
      [0, 0],
      [2000, 1],
      [45_000, 12],
    ] as const) {
      expect(plannedPollDelay(elapsed, attempt, DEFAULT_POLL_SCHEDULE, [], mid)).toBe(
        nextPollDelay(elapsed, attempt, DEFAULT_POLL_SCHEDULE, mid),
      );
    }
  });

  it('polls 3–9 s tasks at most twice on average, and sees each result within 0.5 s', () => {
    const random = seeded(1);
    const samples = sortedModel(uniform(64, 3000, 9000, random));
    expect(plannedPollDelay(0, 0, DEFAULT_POLL_SCHEDULE, samples, mid)).toBeGreaterThan(5000);
    const runs = uniform(500, 3000, 9000, random).map((latency) => pollTask(latency, samples));
    const meanPolls = runs.reduce((a, r) => a + r.polls, 0) / runs.length;
    expect(meanPolls).toBeLessThanOrEqual(2);
    // the documented cadence takes about 4 for the same tasks
    const cadence = uniform(500, 3000, 9000, random).map((latency) => pollTask(latency, []));
    expect(cadence.reduce((a, r) => a + r.polls, 0) / cadence.length).toBeGreaterThan(3);
    // a task near the slowest seen is found within half a second: the end of a build is not held up
    expect(pollTask(8990, samples).lateMs).toBeLessThanOrEqual(500);
  });

  it('follows short tasks closely: the slowest 0.3–1.2 s tasks are seen within 100 ms', () => {
    const random = seeded(2);
    const samples = sortedModel(uniform(64, 300, 1200, random));
    for (const latency of uniform(200, 1110, 1190, random)) expect(pollTask(latency, samples).lateMs).toBeLessThanOrEqual(100);
  });

  it('polls a heavy tail (10 % take 2–5 min) no more than the cadence does, and finds slow tasks no later', () => {
    const random = seeded(3);
    const draw = () => (random() < 0.1 ? 120_000 + 180_000 * random() : 3000 + 6000 * random());
    const samples = sortedModel(Array.from({ length: 64 }, draw));
    const latencies = Array.from({ length: 500 }, draw);
    const adaptive = latencies.map((latency) => pollTask(latency, samples));
    const cadence = latencies.map((latency) => pollTask(latency, []));
    const sum = (runs: { polls: number }[]) => runs.reduce((a, r) => a + r.polls, 0);
    expect(sum(adaptive)).toBeLessThan(sum(cadence));
    latencies.forEach((latency, i) => {
      if (latency < 120_000) return;
      expect(adaptive[i]?.polls, `${latency} ms`).toBeLessThanOrEqual(cadence[i]?.polls ?? 0);
      expect(adaptive[i]?.lateMs, `${latency} ms`).toBeLessThanOrEqual(Math.max(30_000, (cadence[i]?.lateMs ?? 0) * 1.5));
    });
  });

  it('never waits longer than maxMs, nor less than 100 ms', () => {
    const samples = sortedModel([200_000, 210_000, 220_000, 230_000]);
    expect(plannedPollDelay(0, 0, DEFAULT_POLL_SCHEDULE, samples, mid)).toBe(DEFAULT_POLL_SCHEDULE.maxMs);
    const fast = sortedModel([10, 11, 12, 13]);
    expect(plannedPollDelay(5, 1, DEFAULT_POLL_SCHEDULE, fast, mid)).toBe(100);
  });

  it('ranks tasks by how likely they are to be done', () => {
    const samples = sortedModel([1000, 2000, 3000, 4000]);
    expect(chanceDone(3500, DEFAULT_POLL_SCHEDULE, samples)).toBeGreaterThan(chanceDone(1500, DEFAULT_POLL_SCHEDULE, samples));
    expect(chanceDone(20_000, DEFAULT_POLL_SCHEDULE, [])).toBe(1);
  });
});

/**
 * The last tasks of a build on a virtual clock, after its last create, sharing a poll budget of
 * 10 a second spaced 100 ms apart (kie/poll-budget.ts): each polled as planned and, with `spare`,
 * planned with the budget to spare, and planned again from its last poll whenever a task leaves
 * (as kie/poll.ts does). How late the last result is seen, and the polls.
 */
function lastBatch(latencies: number[], samples: readonly number[], spare: boolean): { lateMs: number; polls: number } {
  const pollsPerSecond = 10;
  const tasks = latencies.map((latency) => ({
    latency,
    polls: 0,
    last: 0,
    want: plannedPollDelay(0, 0, DEFAULT_POLL_SCHEDULE, samples, mid),
    seen: -1,
  }));
  const budget = (): SpareBudget | undefined => (spare ? { inFlight: tasks.filter((t) => t.seen < 0).length, pollsPerSecond } : undefined);
  const plan = (t: (typeof tasks)[number], b = budget()) =>
    t.last + plannedPollDelay(t.last, t.polls, DEFAULT_POLL_SCHEDULE, samples, mid, b);
  let free = 0;
  for (;;) {
    const open = tasks.filter((t) => t.seen < 0);
    const t = open.reduce<(typeof tasks)[number] | undefined>((a, b) => (a === undefined || b.want < a.want ? b : a), undefined);
    if (t === undefined) break;
    t.polls++;
    t.last = Math.max(t.want, free);
    free = t.last + 1000 / pollsPerSecond;
    if (t.last < t.latency) {
      t.want = plan(t);
      continue;
    }
    t.seen = t.last;
    const b = budget();
    if (b !== undefined) for (const o of open) if (o !== t && o.polls > 0) o.want = Math.max(t.last, Math.min(o.want, plan(o, b)));
  }
  return { lateMs: Math.max(...tasks.map((t) => t.seen)) - Math.max(...latencies), polls: tasks.reduce((a, t) => a + t.polls, 0) };
}

describe('spare poll budget at the end of a build', () => {
  const samples = sortedModel(uniform(64, 3000, 9000, seeded(4)));
  const alone: SpareBudget = { inFlight: 1, pollsPerSecond: 10 };
  const busy: SpareBudget = { inFlight: 200, pollsPerSecond: 10 };

  it("brings a running task's next poll sooner when the budget is spare, and changes nothing when it is busy", () => {
    for (const elapsed of [6000, 7000]) {
      const planned = plannedPollDelay(elapsed, 1, DEFAULT_POLL_SCHEDULE, samples, mid);
      expect(plannedPollDelay(elapsed, 1, DEFAULT_POLL_SCHEDULE, samples, mid, alone)).toBeLessThan(planned);
      expect(plannedPollDelay(elapsed, 1, DEFAULT_POLL_SCHEDULE, samples, mid, busy)).toBe(planned);
    }
    // the first poll still waits for the median, and a straggler backs off as before
    expect(plannedPollDelay(0, 0, DEFAULT_POLL_SCHEDULE, samples, mid, alone)).toBe(
      plannedPollDelay(0, 0, DEFAULT_POLL_SCHEDULE, samples, mid),
    );
    expect(plannedPollDelay(12_000, 9, DEFAULT_POLL_SCHEDULE, samples, mid, alone)).toBe(
      plannedPollDelay(12_000, 9, DEFAULT_POLL_SCHEDULE, samples, mid),
    );
  });

  it('keeps the tasks in flight within half the poll budget, and two polls of a task 5 % of the median apart', () => {
    const median = durationAtShare(samples, 0.5);
    for (let inFlight = 1; inFlight <= 40; inFlight++) {
      for (let elapsed = 3000; elapsed < 9000; elapsed += 125) {
        const planned = plannedPollDelay(elapsed, 1, DEFAULT_POLL_SCHEDULE, samples, mid);
        const gap = plannedPollDelay(elapsed, 1, DEFAULT_POLL_SCHEDULE, samples, mid, { inFlight, pollsPerSecond: 10 });
        expect(gap).toBeGreaterThanOrEqual(Math.round(0.05 * median));
        // sooner than planned only where all of them polling as often would take at most 5 polls a second
        if (gap < planned) expect(gap).toBeGreaterThanOrEqual((inFlight * 1000) / 5 - 1);
      }
    }
  });

  it('sees the last result of a build (3–9 s tasks, 10 after the last create) sooner, for half a poll more per task', () => {
    const random = seeded(5);
    // the history a first build of 30 such tasks leaves
    const samples = sortedModel(uniform(30, 3000, 9000, random));
    const batches = Array.from({ length: 200 }, () => uniform(10, 3000, 9000, random));
    const planned = batches.map((latencies) => lastBatch(latencies, samples, false));
    const spare = batches.map((latencies) => lastBatch(latencies, samples, true));
    const mean = (runs: number[]) => runs.reduce((a, b) => a + b, 0) / runs.length;
    const late = { planned: mean(planned.map((r) => r.lateMs)), spare: mean(spare.map((r) => r.lateMs)) };
    const polls = { planned: mean(planned.map((r) => r.polls / 10)), spare: mean(spare.map((r) => r.polls / 10)) };
    expect(late.spare).toBeLessThanOrEqual(250);
    expect(late.spare).toBeLessThan(late.planned * 0.75);
    // the last ten tasks of a build: about half a poll more each (a build of 30: a sixth of one)
    expect(polls.spare).toBeLessThanOrEqual(polls.planned + 0.6);
  });

  it('polls the slow tasks of a heavy tail no more than the cadence does, even with the whole budget to spare', () => {
    const random = seeded(3);
    const draw = () => (random() < 0.1 ? 120_000 + 180_000 * random() : 3000 + 6000 * random());
    const tail = sortedModel(Array.from({ length: 64 }, draw));
    const slow = Array.from({ length: 500 }, draw).filter((latency) => latency >= 120_000);
    expect(slow.length).toBeGreaterThan(20);
    for (const latency of slow) {
      const spare = lastBatch([latency], tail, true);
      const cadence = lastBatch([latency], [], false);
      expect(spare.polls, `${latency} ms`).toBeLessThanOrEqual(cadence.polls);
      expect(spare.lateMs, `${latency} ms`).toBeLessThanOrEqual(Math.max(30_000, cadence.lateMs * 1.5));
    }
  });
});
