/**
 * The paid path's context: the build's own (context.ts) plus the API it pays through — the
 * client with its shared poll budget, the creation rate limiter, the poll schedule and retry
 * policy from the config, and the gate that stops submissions for a whole build.
 */
import type { KieClient } from '../kie/client.js';
import type { LatencyModel } from '../kie/latency-model.js';
import { withPollBudget } from '../kie/poll-budget.js';
import { DEFAULT_POLL_SCHEDULE, type PollSchedule } from '../kie/poll-cadence.js';
import { createPollPace, type PollPace } from '../kie/poll-pace.js';
import { createRateLimiter, type RateLimiter } from '../kie/rate-limiter.js';
import type { UnansweredCreate } from '../plan/journal-facts.js';
import { NO_JOURNAL } from '../store/journal.js';
import type { ApiSession } from './api-session.js';
import { type Budget, createBudget, NO_BUDGET } from './budget.js';
import type { BuildContext } from './context.js';
import { createOutageBreaker, type OutageBreaker } from './outage-breaker.js';
import { createSubmissionGate, type SubmissionGate } from './submission-gate.js';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** A task created and not yet installed, for the "still in flight" report on interruption. */
export interface TaskInFlight {
  asset: string;
  out: string;
  taskId: string;
}

export interface GenerateContext extends BuildContext, UnansweredPolicy {
  client: KieClient;
  limiter: RateLimiter;
  schedule: PollSchedule;
  retry: RetryPolicy;
  /** the API's base URL, which journal entries are keyed by */
  baseUrl: string;
  gate: SubmissionGate;
  /** the build's --max-credits: reserves each new task's estimate, and closes the gate before it would be passed */
  budget: Budget;
  /** counts requests that go unanswered; trips the gate when the API looks down */
  breaker: OutageBreaker;
  /** by spec hash */
  inFlight: Map<string, TaskInFlight>;
  /** how long each model's tasks take, for polling near the finish (build/latency.ts); absent: the fixed cadence */
  latency?: LatencyModel;
  /** with `latency`: the build's polling as a whole, to spend idle poll budget once the creates are over */
  pace?: PollPace;
}

/** What the paid path does about create requests of earlier builds that got no answer. */
export interface UnansweredPolicy {
  /** by spec hash (plan/journal-facts.ts) */
  unanswered: ReadonlyMap<string, UnansweredCreate>;
  /** the user said to send those again (--resend-unanswered) */
  resendUnanswered: boolean;
}

/** A build's spending limit and each paid spec's estimate (plan/plan-estimate.ts). */
export interface BudgetLimit {
  maxCredits: number;
  estimates: ReadonlyMap<string, number>;
}

export function createGenerateContext(
  ctx: BuildContext,
  api: ApiSession,
  inFlight: Map<string, TaskInFlight>,
  policy: UnansweredPolicy,
  extras: { latency?: LatencyModel | undefined; limit?: BudgetLimit | undefined } = {},
): GenerateContext {
  const { rateLimit, pollRateLimit, poll, retry } = ctx.project.config.api;
  const { latency, limit } = extras;
  const gate = createSubmissionGate(ctx.emit);
  const common = {
    ...ctx,
    baseUrl: api.baseUrl,
    retry: { attempts: retry.attempts, baseMs: retry.initialSeconds * 1000, maxMs: retry.maxSeconds * 1000 },
    gate,
    // placeholders cost nothing: an --offline build has no budget to keep
    budget: limit === undefined || ctx.offline ? NO_BUDGET : createBudget(limit.maxCredits, limit.estimates, gate),
    ...policy,
    breaker: createOutageBreaker(api.baseUrl, gate, ctx.offline ? 5 : ctx.project.config.api.poll.initialSeconds * 1000),
    inFlight,
    ...(latency === undefined ? {} : { latency }),
  };
  if (ctx.offline) {
    return {
      ...common,
      // The in-process simulator forgets its tasks when it stops: journalling them would only
      // overwrite the entries of real, paid tasks for the same specs. It has no limits worth
      // respecting either.
      store: { ...ctx.store, journal: NO_JOURNAL },
      client: withBreaker(api.client, common.breaker),
      limiter: createRateLimiter({ requests: 1_000, intervalMs: 1_000 }),
      schedule: { initialMs: 5, maxMs: 50, timeoutMs: DEFAULT_POLL_SCHEDULE.timeoutMs },
    };
  }
  const pollIntervalMs = pollRateLimit.intervalSeconds * 1000;
  return {
    ...common,
    ...(latency === undefined ? {} : { pace: createPollPace(pollRateLimit.requests / pollRateLimit.intervalSeconds) }),
    client: withPollBudget(
      withBreaker(api.client, common.breaker),
      createRateLimiter({
        requests: pollRateLimit.requests,
        intervalMs: pollIntervalMs,
        spacingMs: pollIntervalMs / pollRateLimit.requests,
      }),
    ),
    limiter: createRateLimiter({ requests: rateLimit.requests, intervalMs: rateLimit.intervalSeconds * 1000 }),
    schedule: { initialMs: poll.initialSeconds * 1000, maxMs: poll.maxSeconds * 1000, timeoutMs: poll.timeoutSeconds * 1000 },
  };
}

/** The client with every status poll counted by the breaker, and refused once it has tripped. */
function withBreaker(client: KieClient, breaker: OutageBreaker): KieClient {
  return {
    ...client,
    async getTask(taskId, opts) {
      breaker.check();
      try {
        const info = await client.getTask(taskId, opts);
        breaker.note('poll');
        return info;
      } catch (error) {
        breaker.note('poll', error);
        throw error;
      }
    },
  };
}
