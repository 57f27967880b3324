/**
 * Creating one task: the only request that costs money. The journal entry is written (and
 * fsynced) before the request can leave, and again with the task id once the API answers, so an
 * interruption at any point is never a silent second payment. A request the API answered with an
 * error created nothing and may be sent again; one that got no answer may have created a billed
 * task, and is never resent here (docs/kie-api.md §4).
 */
import { ApiError, abortError, KieaudioError, messageOf, stopsBuild, toKieaudioError } from '../errors.js';
import { retryDelay } from '../kie/retry.js';
import type { PlannedAsset } from '../plan/decide.js';
import { sleep } from '../sleep.js';
import { failpoint } from '../store/failpoint.js';
import type { JournalEntry } from '../store/journal.js';
import type { GenerateContext } from './generate-context.js';
import { awaitingAnswer } from './unanswered-creates.js';

/** 429s one create may meet before its asset fails: well past any honest rate-limit window. */
const MAX_RATE_LIMITED = 50;

export type CreateOutcome =
  | { ok: true; taskId: string }
  | {
      ok: false;
      error: KieaudioError;
      /** never sent: the build stopped submitting (no credits left) */
      notStarted: boolean;
      /** sent, but no answer came: the task may exist and be billed */
      maybeCharged: boolean;
    };

/** `item`'s journal entry on this API, with `fields` for its state. */
export function journalEntry(
  ctx: GenerateContext,
  item: PlannedAsset,
  fields: Pick<JournalEntry, 'state' | 'createdAt'> & Partial<Pick<JournalEntry, 'taskId' | 'creditsCounted'>>,
): JournalEntry {
  return { specHash: item.specHash, model: item.asset.model, baseUrl: ctx.baseUrl, out: item.asset.out, ...fields };
}

export async function createTask(ctx: GenerateContext, item: PlannedAsset): Promise<CreateOutcome> {
  const tries = { failures: 0, limited: 0 };
  for (let attempt = 1; ; attempt++) {
    if (ctx.gate.closed()) return notSubmitted(ctx);
    // The slot first, then the journal: an entry says a request is about to leave, so an asset
    // still queued for a slot when the build dies is not taken for one that may have been charged.
    // (The slot is held until the answer, and its window runs from then: the fsync only delays
    // the send, it cannot bunch requests into the server's window.)
    const release = await ctx.limiter.acquire(ctx.signal);
    // the budget's room is taken before the journal entry: a task kept back leaves no trace
    if (ctx.gate.closed() || !ctx.budget.reserve(item.specHash)) {
      release();
      return notSubmitted(ctx);
    }
    await ctx.store.journal.record(journalEntry(ctx, item, { state: 'creating', createdAt: new Date().toISOString() }));
    failpoint('before-create');
    const sentAt = new Date().toISOString();
    let taskId: string;
    try {
      // Not abortable: once sent, a create may be billed, and only its answer says which task to
      // journal. An interruption waits for it (up to the request timeout); a second Ctrl-C
      // leaves at once, and the `creating` entry tells the next build to hold it.
      ({ taskId } = await awaitingAnswer(item.specHash, () => ctx.client.createTask({ model: item.asset.model, input: item.asset.input })));
    } catch (error) {
      release();
      ctx.breaker.note('create', error);
      // a request that may have made a task keeps its estimate as spent; one that made none gives it back
      if (error instanceof ApiError && error.maybeCreated === true) ctx.budget.settle(item.specHash, undefined);
      else ctx.budget.release(item.specHash);
      const verdict = await refused(ctx, item, error, { tries, attempt, sentAt });
      if (verdict === 'again') continue;
      return verdict;
    }
    release();
    ctx.breaker.note('create');
    return accepted(ctx, item, taskId);
  }
}

async function accepted(ctx: GenerateContext, item: PlannedAsset, taskId: string): Promise<CreateOutcome> {
  ctx.limiter.accepted();
  failpoint('after-create');
  try {
    await ctx.store.journal.record(journalEntry(ctx, item, { state: 'created', taskId, createdAt: new Date().toISOString() }));
  } catch (error) {
    // The task is paid for and known here: carry on with it (the journal is insurance against a
    // crash, not the way to the result), and say its id, which nothing on disk now holds.
    ctx.emit({
      type: 'warning',
      code: 'W_JOURNAL_WRITE',
      asset: item.asset.id,
      message: `task ${taskId} for ${item.asset.out} could not be recorded in the journal (${messageOf(toKieaudioError(error))}); the build goes on with it, but if it stops before the result is installed, that task is lost to the next build`,
    });
  }
  failpoint('after-journal');
  ctx.emit({ type: 'submitted', asset: item.asset.id, out: item.asset.out, taskId, model: item.asset.model });
  return { ok: true, taskId };
}

/** What a failed create request means: try `again`, or the outcome for the asset. */
async function refused(
  ctx: GenerateContext,
  item: PlannedAsset,
  error: unknown,
  at: { tries: { failures: number; limited: number }; attempt: number; sentAt: string },
): Promise<CreateOutcome | 'again'> {
  const { tries, attempt } = at;
  if (!(error instanceof ApiError)) throw error;
  if (error.maybeCreated === true) {
    // Sent, but no answer: the task may exist and be billed, and the API cannot find it for us.
    // The asset fails, reported as a possible charge, and the request is recorded as unanswered:
    // the next builds hold the asset rather than pay again without the user's word.
    await ctx.store.journal.record(journalEntry(ctx, item, { state: 'unanswered', createdAt: at.sentAt }));
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    return failed(error, { maybeCharged: true });
  }
  // Certainly not created: forget the intent, so no false alarm is raised later (or put back the
  // unanswered request this one was sent again for: it may still have been charged).
  await forgetIntent(ctx, item);
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  if (stopsBuild(error)) throw error; // the whole build stops
  if (error.code === 'E_API_CREDITS') {
    if (!ctx.gate.closed()) ctx.gate.noCreditsLeft(await balance(ctx));
    return failed(error, { notStarted: true });
  }
  const rateLimited = error.code === 'E_API_RATE_LIMIT';
  if (rateLimited) tries.limited++;
  else tries.failures++;
  if (!error.retryable || tries.failures > ctx.retry.attempts || tries.limited > MAX_RATE_LIMITED) return failed(error);
  if (ctx.gate.closed()) return notSubmitted(ctx);
  // A 429 slows every worker down, not just this one (the limiter adds jitter).
  const delayMs = rateLimited
    ? ctx.limiter.rateLimited(error.retryAfterMs)
    : retryDelay(error, tries.failures - 1, ctx.retry.baseMs, ctx.retry.maxMs);
  if (!rateLimited) await sleep(delayMs, ctx.signal);
  ctx.emit({
    type: 'retry',
    operation: 'create',
    asset: item.asset.id,
    out: item.asset.out,
    code: error.code,
    attempt,
    delayMs: Math.round(delayMs),
    message: error.message,
  });
  return 'again';
}

async function forgetIntent(ctx: GenerateContext, item: PlannedAsset): Promise<void> {
  const earlier = ctx.unanswered.get(item.specHash);
  if (earlier === undefined) await ctx.store.journal.remove(item.specHash);
  else await ctx.store.journal.record(earlier.entry ?? journalEntry(ctx, item, { state: 'unanswered', createdAt: earlier.sentAt ?? '' }));
}

function failed(error: KieaudioError, facts: { maybeCharged?: boolean; notStarted?: boolean } = {}): CreateOutcome {
  return { ok: false, error, notStarted: facts.notStarted === true, maybeCharged: facts.maybeCharged === true };
}

function notSubmitted(ctx: GenerateContext): CreateOutcome {
  const why = ctx.gate.whyClosed() ?? new KieaudioError('E_API', 'not submitted');
  return failed(why, { notStarted: true });
}

/** The account's balance for the 402 message: a free call, best effort and short. */
async function balance(ctx: GenerateContext): Promise<number | undefined> {
  return ctx.client.getCredits({ signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(5_000)]) }).catch(() => undefined);
}
