/**
 * Telling bad luck from an outage, for a whole build. One create request that gets no answer is
 * bad luck; several in a row, with nothing answered in between, is an API that is down — and
 * every further create request is money at risk (each unanswered one may have been charged). A
 * refused connection costs nothing, but retrying it asset by asset turns one wrong base URL into
 * an hour of waiting. Polls and downloads that keep failing for a while mean the same. When the
 * breaker trips, the build stops submitting (as on 402), names the host, and leaves what is in
 * flight to finish or to stay in the journal for the next build.
 *
 * The thresholds, and why (also in docs/reliability.md):
 * - 3 unanswered create requests in a row. A lost answer is rare (a reset connection, a proxy
 *   hiccup); two in a row can still be chance, three with no answered request between them is
 *   not. Each costs up to the 30 s request timeout, so the breaker trips within about a timeout
 *   of the outage, after at most the requests already in flight plus 3.
 * - 3 refused connections in a row: nothing listens at the base URL; more attempts only add waiting.
 * - polls and downloads: 5 failures in a row over at least 15 first-poll delays (30 s at kie's
 *   documented cadence). Polls are frequent and a short blip is normal; half a minute of nothing
 *   but failures is not.
 */
import { ApiError } from '../errors.js';
import type { SubmissionGate } from './submission-gate.js';

export const UNANSWERED_CREATES_TO_TRIP = 3;
export const REFUSED_CONNECTIONS_TO_TRIP = 3;
export const FAILED_TRANSFERS_TO_TRIP = 5;
/** The least time a run of failed polls or downloads must span, in first-poll delays (2 s by default: 30 s). */
export const FAILED_TRANSFERS_SPAN = 15;

export type Operation = 'create' | 'poll' | 'download';

export interface OutageBreaker {
  /** what happened to one request; `error` undefined means it was answered */
  note(operation: Operation, error?: unknown): void;
  /**
   * Throws E_API_DOWN once polls or downloads have tripped the breaker: no more of them are sent.
   * A trip on create requests only stops new submissions; tasks already created go on.
   */
  check(): void;
}

/** `firstPollMs` scales the span polls and downloads must fail for (api.poll.initialSeconds). */
export function createOutageBreaker(host: string, gate: SubmissionGate, firstPollMs: number, now: () => number = Date.now): OutageBreaker {
  const minSpanMs = FAILED_TRANSFERS_SPAN * firstPollMs;
  const streak = { unanswered: 0, refused: 0, transfers: 0, transfersSince: 0 };
  let transfersDown: ApiError | undefined;
  const stopSubmitting = (message: string) => gate.apiDown(message);
  const stopTransfers = (message: string) => {
    transfersDown ??= new ApiError('E_API_DOWN', message, { retryable: false, details: { host } });
    gate.apiDown(message);
  };
  return {
    check() {
      if (transfersDown) throw transfersDown;
    },
    note(operation, error) {
      if (operation === 'create') noteCreate(streak, error, host, stopSubmitting);
      else noteTransfer(streak, error, { host: hostOf(error) ?? host, trip: stopTransfers, at: now(), minSpanMs });
    },
  };
}

function noteCreate(streak: { unanswered: number; refused: number }, error: unknown, host: string, trip: (message: string) => void): void {
  const e = error instanceof ApiError ? error : undefined;
  if (e?.maybeCreated === true) {
    streak.refused = 0;
    if (++streak.unanswered >= UNANSWERED_CREATES_TO_TRIP) {
      trip(`${streak.unanswered} create requests in a row to ${host} got no answer (each may have been charged): the API looks down`);
    }
  } else if (e?.code === 'E_NETWORK' && e.maybeCreated === false) {
    streak.unanswered = 0;
    if (++streak.refused >= REFUSED_CONNECTIONS_TO_TRIP) {
      trip(`${host} refused the connection ${streak.refused} times in a row: is the API down, or is KIE_API_BASE_URL (api.baseUrl) wrong?`);
    }
  } else {
    // any answer, even an error, is the API answering
    streak.unanswered = 0;
    streak.refused = 0;
  }
}

function noteTransfer(
  streak: { transfers: number; transfersSince: number },
  error: unknown,
  context: { host: string; trip: (message: string) => void; at: number; minSpanMs: number },
): void {
  const { host, trip, at } = context;
  if (!isUnreachable(error)) {
    streak.transfers = 0;
    return;
  }
  if (streak.transfers++ === 0) streak.transfersSince = at;
  if (streak.transfers >= FAILED_TRANSFERS_TO_TRIP && at - streak.transfersSince >= context.minSpanMs) {
    const seconds = Math.round((at - streak.transfersSince) / 1000);
    trip(
      `${streak.transfers} status polls or downloads in a row failed over ${seconds} s (last: ${(error as Error).message}): ${host} looks down`,
    );
  }
}

/**
 * A failure that says the server is not there: no answer at all, or one saying it is unavailable.
 * A download cut short or of the wrong kind was answered: a bad file, not an outage.
 */
function isUnreachable(error: unknown): boolean {
  return error instanceof ApiError && (error.noResponse || error.code === 'E_API_UNAVAILABLE');
}

/** The origin a failed download went to (its result host), when the error says. */
function hostOf(error: unknown): string | undefined {
  const url = error instanceof ApiError ? error.details.url : undefined;
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
