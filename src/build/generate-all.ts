/**
 * Running the paid part of a build: every `generate`/`resume` item under the concurrency limit,
 * and each asset that shares its spec with one of them copied once that one has landed. A
 * worker's failure is that asset's failure; only a refused key or the caller's signal stops the
 * rest.
 */
import { KieaudioError, stopsBuild } from '../errors.js';
import type { PlannedAsset } from '../plan/decide.js';
import { outputPath } from '../store/project-store.js';
import type { ApiSession } from './api-session.js';
import type { BuildContext } from './context.js';
import { type GenerateOutcome, generateAsset } from './generate.js';
import {
  type BudgetLimit,
  createGenerateContext,
  type GenerateContext,
  type TaskInFlight,
  type UnansweredPolicy,
} from './generate-context.js';
import { openLatency, saveLatency } from './latency.js';
import { heldEvent } from './records.js';
import { copyPlaceholder, recordFailure, restoreFromCache } from './restore.js';

export interface GenerateAllOptions {
  api: ApiSession;
  /** `generate` and `resume` items, one per spec hash */
  paid: readonly PlannedAsset[];
  /** `restore` items whose source is another asset of this build (`pending`) */
  followers: readonly PlannedAsset[];
  concurrency: number;
  /** aborts the whole build (a refused key) */
  abort: (reason: unknown) => void;
  /** filled as tasks are created and emptied as they land, for the report on interruption */
  inFlight: Map<string, TaskInFlight>;
  /** create requests of earlier builds that got no answer, and whether to send them again */
  policy: UnansweredPolicy;
  /** --max-credits (or budget.maxCredits), with each paid spec's estimate; absent: no limit */
  budget?: BudgetLimit | undefined;
}

export async function generateAll(ctx: BuildContext, options: GenerateAllOptions): Promise<void> {
  const { paid, followers } = await leadersThatCanInstall(ctx, options.paid, options.followers);
  const latency = await openLatency(ctx);
  const gen = createGenerateContext(ctx, options.api, options.inFlight, options.policy, { latency, limit: options.budget });
  // resumed tasks are made already; until the rest are created, idle poll budget is not spent (kie/poll-pace.ts)
  gen.pace?.toCreate(paid.filter((item) => item.action.type === 'generate').length);
  // How each leader ended, for the assets that share its spec (only those are waited for).
  const landed = new Map<string, Landing>();
  for (const item of followers) {
    const out = leaderOf(item);
    if (out !== undefined && !landed.has(out)) landed.set(out, createLanding());
  }
  const copies = followers.map(async (item) => copyWhenLanded(ctx, item, landed));
  // `concurrency` workers taking the paid assets in order: one promise each, not one queued
  // closure per asset (a 10,000-asset build held 6 MB of them before the first had landed).
  const outcomes: (GenerateOutcome | undefined)[] = [];
  let next = 0;
  const work = async () => {
    for (let i = next++; i < paid.length; i = next++) {
      const item = paid[i] as PlannedAsset;
      outcomes[i] = await runOne(gen, item, options.abort);
      landed.get(item.asset.out)?.settle(outcomes[i]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, paid.length) }, work));
  } finally {
    // what this build learned helps the next one even when this one was interrupted
    await saveLatency(ctx, latency);
  }
  await Promise.all(copies);

  reportNotSubmitted(gen, outcomes.filter((o) => o === 'not-started').length);
}

/** Once, at the end: how many assets the closed gate kept back, and what to do about it. */
function reportNotSubmitted(gen: GenerateContext, left: number): void {
  if (left === 0) return;
  const assets = `${left} asset${left === 1 ? ' was' : 's were'} not submitted`;
  const why = gen.gate.whyClosed()?.code;
  const [code, message] =
    why === 'E_API_DOWN'
      ? ['W_API_DOWN', `${assets} because ${gen.baseUrl} looks down: run kieaudio build again when it answers (nothing was sent for them)`]
      : why === 'E_BUDGET'
        ? [
            'W_BUDGET',
            `${assets} (not started: budget): raise --max-credits or budget.maxCredits, then run kieaudio build again to finish them`,
          ]
        : ['W_NO_CREDITS', `${assets} for lack of credits (${left} still to do): top up, then run kieaudio build again`];
  gen.emit({ type: 'warning', code, message });
}

/** How a leader ended, once it has. */
interface Landing {
  ended: Promise<GenerateOutcome | undefined>;
  settle(outcome: GenerateOutcome | undefined): void;
}

function createLanding(): Landing {
  let settle: (outcome: GenerateOutcome | undefined) => void = () => undefined;
  const ended = new Promise<GenerateOutcome | undefined>((resolve) => {
    settle = resolve;
  });
  return { ended, settle };
}

/** The paid asset whose result `item` is a copy of, if it is one. */
function leaderOf(item: PlannedAsset): string | undefined {
  return item.action.type === 'restore' && item.action.source.kind === 'pending' ? item.action.source.out : undefined;
}

/** One paid asset; undefined when the build stopped before it could end. */
async function runOne(gen: GenerateContext, item: PlannedAsset, abort: (reason: unknown) => void): Promise<GenerateOutcome | undefined> {
  if (gen.signal.aborted) return undefined;
  try {
    return await generateAsset(gen, item);
  } catch (error) {
    // A refused key stops everything at once; other workers see the aborted signal.
    if (stopsBuild(error)) abort(error);
    if (gen.signal.aborted) return undefined;
    // Anything else (a full disk, a bug) is this asset's failure; the task stays journalled.
    recordFailure(gen, item, error);
    return 'failed';
  }
}

/** An asset that shares its spec with a paid one: copied once that one has landed. */
async function copyWhenLanded(ctx: BuildContext, item: PlannedAsset, landed: ReadonlyMap<string, Landing>): Promise<void> {
  const leaderOut = leaderOf(item);
  if (leaderOut === undefined) return;
  const outcome = await landed.get(leaderOut)?.ended;
  if (ctx.signal.aborted) return;
  if (outcome === 'held') {
    ctx.emit(heldEvent(item, `same spec as ${leaderOut}, which is held (maybe charged)`));
    return;
  }
  try {
    if (outcome !== 'generated')
      throw new KieaudioError('E_TASK_FAILED', `not generated: it has the same spec as ${leaderOut}, which failed`);
    if (ctx.offline) await copyPlaceholder(ctx, item, leaderOut);
    else await restoreFromCache(ctx, item, leaderOut);
  } catch (error) {
    if (!ctx.signal.aborted) recordFailure(ctx, item, error);
  }
}

/**
 * A generation whose own output folder cannot be made (a file is in the way) fails before anything
 * is paid — and would take the assets that share its spec down with it. The first of those whose
 * folder can be made is generated instead; the blocked one then waits for it like any other copy,
 * and fails on its own folder.
 */
async function leadersThatCanInstall(
  ctx: BuildContext,
  paid: readonly PlannedAsset[],
  followers: readonly PlannedAsset[],
): Promise<{ paid: PlannedAsset[]; followers: PlannedAsset[] }> {
  const follow = (item: PlannedAsset, out: string): PlannedAsset => ({
    ...item,
    action: { type: 'restore', source: { kind: 'pending', out } },
  });
  const canInstall = (item: PlannedAsset) =>
    ctx.outFolders.prepare(outputPath(ctx.project, item.asset.out)).then(
      () => true,
      () => false,
    );
  const newLeader = new Map<string, string>(); // blocked leader's out → the copy that leads instead
  const result = { paid: [...paid], followers: [...followers] };
  for (const [i, leader] of paid.entries()) {
    if (leader.action.type !== 'generate') continue; // a resumed task is paid for already
    const group = followers.filter((f) => leaderOf(f) === leader.asset.out);
    if (group.length === 0 || (await canInstall(leader))) continue;
    for (const candidate of group) {
      if (!(await canInstall(candidate))) continue;
      result.paid[i] = { ...candidate, action: leader.action, reason: leader.reason };
      result.followers = result.followers.map((f) => (f === candidate ? follow(leader, candidate.asset.out) : f));
      newLeader.set(leader.asset.out, candidate.asset.out);
      break;
    }
  }
  if (newLeader.size === 0) return result;
  result.followers = result.followers.map((f) => {
    const to = newLeader.get(leaderOf(f) ?? '');
    return to === undefined ? f : follow(f, to);
  });
  return result;
}
