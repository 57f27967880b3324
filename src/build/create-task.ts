/**
 * Creating one task: the only request that costs money. The journal entry is written (and
 * fsynced) before the request can leave, and again with the task id once the API answers, so an
 * interruption at any point is never a silent second payment. A request the API answered with an
 * error created nothing and may be sent again; one that got no answer may have created a billed
 * task, and is never resent here (docs/kie-api.md §4).
 */
import { ApiError, abortError, KieaudioError, stopsBuild } from '../errors.js';
import { retryDelay } from '../kie/retry.js';
import { sleep } from '../kie/sleep.js';
import type { PlannedAsset } from '../plan/decide.js';
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
    // Journalled before the rate-limit slot, so the request goes out the moment its slot opens:
    // a variable fsync between slot and send would bunch requests into the server's window.
    await ctx.store.journal.record(journalEntry(ctx, item, { state: 'creating', createdAt: new Date().toISOString() }));
    const release = await acquireSlot(ctx, item);
    if (ctx.gate.closed()) {
      release();
      await ctx.store.journal.remove(item.specHash);
      return notSubmitted(ctx);
    }
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
      const verdict = await refused(ctx, item, error, { tries, attempt, sentAt });
      if (verdict === 'again') continue;
      return verdict;
    }
    release();
    ctx.breaker.note('create');
    return accepted(ctx, item, taskId);
  }
}

async function acquireSlot(ctx: GenerateContext, item: PlannedAsset): Promise<() => void> {
  try {
    return await ctx.limiter.acquire(ctx.signal);
  } catch (error) {
    await ctx.store.journal.remove(item.specHash); // never sent
    throw error;
  }
}

async function accepted(ctx: GenerateContext, item: PlannedAsset, taskId: string): Promise<CreateOutcome> {
  ctx.limiter.accepted();
  failpoint('after-create');
  await ctx.store.journal.record(journalEntry(ctx, item, { state: 'created', taskId, createdAt: new Date().toISOString() }));
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
  // Certainly not created: forget the intent, so no false alarm is raised later.
  await ctx.store.journal.remove(item.specHash);
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
