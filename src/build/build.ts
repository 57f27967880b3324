/**
 * `build`: load the project, decide what each asset needs (plan/), then do it — restores from
 * the cache first (free), generations under the concurrency limit and the shared rate limiter.
 * The lock, the stat index and the journal are kept current as assets finish, so an interruption
 * keeps everything that was done and paid for.
 */
import { type ErrorCode, toKieaudioError } from '../errors.js';
import type { BuildEvent, BuildSummary } from '../events.js';
import { type Plan, type PlannedAsset, planBuild, planOptions } from '../plan/decide.js';
import { type GatheredState, gatherState } from '../plan/gather.js';
import { gatherScenes, hasScenes } from '../plan/scene-facts.js';
import { type PlannedScene, planScenes } from '../plan/scene-plan.js';
import type { Project } from '../project.js';
import { diagnosticWarning } from '../spec/diagnostics.js';
import { type CommonOptions, type LoadedProject, loadSelected } from '../spec/prepare.js';
import { acquireBuildLock } from '../store/build-lock.js';
import { sweepKilledBuildTemps } from '../store/killed-build-temps.js';
import type { ProjectStore } from '../store/project-store.js';
import { checkBudget } from './budget-check.js';
import { deliver, frozenManifests } from './deliver.js';
import { executePlan } from './execute.js';
import { checkFfmpeg, checkWritable } from './preflight.js';
import type { Uploader } from './remote-upload.js';
import { reportPlan } from './report-plan.js';
import { recording, type Said, stampIfPlain, startSaying } from './said.js';
import { dropStamp, isPlainBuild, stateStamps } from './stamp-up-to-date.js';
import { type AssetFailure, createTally, type Tally } from './tally.js';
import { consultTeamCache, requiredFailure, type TeamCacheStep, uploaderFor } from './team-cache.js';

export type { AssetFailure } from './tally.js';

export interface BuildOptions extends CommonOptions {
  /** replace hand-edited or foreign files at `out` */
  force?: boolean;
  /** ignore the cache: pay for a new take of the selected assets */
  regenerate?: boolean;
  /**
   * send again the create requests that got no answer (each may have been charged); also implied
   * by `regenerate` with an `only` selection
   */
  resendUnanswered?: boolean;
  /** check only: report what is not up to date, change nothing, call nothing */
  frozen?: boolean;
  /** most tasks in flight; overrides the config */
  concurrency?: number;
  /** use the team cache (cache.remote) read-only: never upload (--remote-cache-read-only) */
  remoteCacheReadOnly?: boolean;
  /** when another build holds the project, wait for it (default) or fail with E_LOCKED */
  wait?: boolean;
  /**
   * the most credits this build may spend on new tasks; overrides budget.maxCredits. Over its
   * estimate the build is refused (E_BUDGET) before anything is sent; while it runs, it stops
   * submitting before it would pass it (docs/budgets.md)
   */
  maxCredits?: number;
  /**
   * Stops the build: no new submissions, downloads abandoned, tasks in flight left in the journal.
   * A create request already sent is not abandoned: its answer (up to the request timeout) is what
   * lets the next build resume the task instead of paying for it again.
   */
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
  /**
   * Internal (watch mode): the project already loaded, with the assets to plan and a store kept in
   * memory (watch/live-project.ts); instead of loading it here. `only` is then already applied.
   */
  prepared?: LoadedProject;
}

export interface BuildResult {
  project: Project;
  plan: Plan;
  summary: BuildSummary;
  failures: AssetFailure[];
  /** with `frozen`: the assets a build would generate or restore */
  stale: PlannedAsset[];
  /** with `frozen`: the manifest files (absolute) that are missing or out of date */
  staleManifests: string[];
  /** with `frozen`: the scene files a build would make (plan/scene-plan.ts) */
  staleScenes: PlannedScene[];
}

const STALE_ACTIONS = new Set(['restore', 'resume', 'generate', 'hold', 'adopt', 'sidecars']);

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const startedAt = Date.now();
  // a plain build's events are kept: if it did nothing, they are what the next one says (stamp-up-to-date.ts);
  // a watch rebuild (`prepared`) plans part of the project only, and never stamps it
  const said = isPlainBuild(options) && options.prepared === undefined ? startSaying(startedAt) : undefined;
  const onEvent = recording(options.onEvent, said);
  const loaded = options.prepared ?? (await loadSelected(options, true));
  if (said !== undefined) said.stateBefore = stateStamps(loaded.project);
  for (const w of loaded.project.warnings) onEvent(diagnosticWarning(w));
  const tally = createTally(onEvent, { startedAt, placeholders: options.offline === true });
  try {
    return await buildHoldingLock(loaded, options, { tally, onEvent, writes: { started: false }, said });
  } catch (error) {
    // A build stopped by an error (a disk, a refused key) still says what it did and did not do;
    // the error itself is printed once, after it. Input and usage errors (exit 2) and
    // interruptions have their own way of ending.
    if (!QUIET_STOPS.has(toKieaudioError(error).code)) tally.finish({ stopped: true });
    throw error;
  }
}

// a damaged lock stops before anything is planned or written: like invalid input, it has nothing to sum up
const QUIET_STOPS = new Set<ErrorCode>([
  'E_ABORTED',
  'E_NO_API_KEY',
  'E_USAGE',
  'E_NO_MATCH',
  'E_CONFIG_NOT_FOUND',
  'E_VALIDATION',
  'E_LOCK_DAMAGED',
  // refused over budget before anything was submitted or written: the error names the estimate
  'E_BUDGET',
]);

interface Run {
  tally: Tally;
  onEvent: (event: BuildEvent) => void;
  /** until the first write, a failing build (no key: exit 2) leaves the project as it was */
  writes: { started: boolean };
  /** what a plain build said so far */
  said: Said | undefined;
}

async function buildHoldingLock(loaded: LoadedProject, options: BuildOptions, run: Run): Promise<BuildResult> {
  const { onEvent } = run;
  // The build lock comes before the state is read: a second build must see what the first did.
  const buildLock = options.frozen
    ? undefined
    : await acquireBuildLock(loaded.project.config.stateDir, {
        wait: options.wait !== false,
        ...(options.signal ? { signal: options.signal } : {}),
        onWait: (holder) => onEvent({ type: 'waiting-for-lock', pid: holder.pid, host: holder.host, since: holder.startedAt }),
      });
  try {
    // A build that died holding the lock may have left temp files where this one writes nothing.
    // Swept first, so that a build that stops early (no key, a broken lock file) does not leave
    // them for good: the next one would not know a build had died. Only dead processes' go.
    if (buildLock?.tookOverFromDeadBuild) await sweepKilledBuildTemps(loaded.project);
    return await buildLocked(loaded, options, run);
  } finally {
    await buildLock?.release({ tidy: !run.writes.started });
  }
}

async function buildLocked(loaded: LoadedProject, options: BuildOptions, run: Run): Promise<BuildResult> {
  const { project } = loaded;
  const store = await loaded.openStore();
  const planned = await planFor(project, store, loaded, options);
  // --frozen reports; it writes nothing, not even an id change, and asks no server
  const step: TeamCacheStep = options.frozen
    ? { ...planned, session: undefined, failed: [] }
    : await consultTeamCache(planned, {
        project,
        env: loaded.env,
        store,
        readOnly: options.remoteCacheReadOnly === true,
        regenerate: options.regenerate === true,
        offline: options.offline === true,
        signal: options.signal,
        emit: run.tally.emit,
        replan: () => planFor(project, store, loaded, options),
      });
  try {
    return await buildPlanned(loaded, options, run, step);
  } finally {
    await step.session?.remote.close();
  }
}

async function buildPlanned(loaded: LoadedProject, options: BuildOptions, run: Run, step: TeamCacheStep): Promise<BuildResult> {
  const { project } = loaded;
  const { tally } = run;
  const { gathered, plan } = step;
  const store = gathered.store;
  const offline = options.offline === true;
  tally.setOrphans(plan.orphans.length);
  reportPlan(plan, tally, options.force === true);
  for (const item of step.failed) tally.emit(requiredFailure(item));
  const result = (staleManifests: string[] = []): BuildResult => ({
    project,
    plan,
    summary: tally.finish(),
    failures: [...tally.failures],
    stale: plan.items.filter((i) => STALE_ACTIONS.has(i.action.type)),
    staleManifests,
    staleScenes: (plan.scenes?.scenes ?? []).filter((s) => s.action === 'build'),
  });
  // --frozen reports; it writes nothing, not even an id change
  if (options.frozen) return result(await frozenManifests(project, store));

  const unpaid = new Set(step.failed);
  const paid = plan.items.filter((i) => (i.action.type === 'generate' || i.action.type === 'resume') && !unpaid.has(i));
  const budget = offline ? undefined : budgetFor(plan, unpaid, store, options.maxCredits ?? project.config.budget.maxCredits, tally);
  // Before anything is written: a missing key must leave the project untouched (exit 2).
  const api = paid.length > 0 ? await openApiFor(paid, loaded, offline) : undefined;
  try {
    await checkWritable(project, store.lockPath, plan, paid, offline);
    await checkFfmpeg(store, plan, options.signal);
  } catch (error) {
    await api?.close();
    throw error;
  }
  run.writes.started = true;
  await dropStamp(project);
  const uploader = uploaderFor(step.session, store, paid, tally.emit, options.signal);
  try {
    await executePlan({
      project,
      store,
      plan,
      gathered,
      api,
      paid,
      emit: uploader === undefined ? tally.emit : withUploads(tally.emit, uploader),
      offline,
      concurrency: options.concurrency ?? project.config.concurrency,
      resendUnanswered: planOptions(options).resendUnanswered,
      budget,
      signal: options.signal,
      saveParseCache: loaded.saveParseCache,
      force: options.force === true,
      everyScene: (options.only ?? []).length === 0,
    });
  } finally {
    await uploader?.finish();
  }
  await deliver(project, store, tally, options.signal);
  const done = result();
  await stampIfPlain(run.said, { loaded, store, done, options });
  return done;
}

/**
 * Before the API is opened and anything is written: a build over budget sends nothing (exit 4).
 * What the required team cache already failed is not estimated: it will not be paid for.
 */
function budgetFor(plan: Plan, unpaid: ReadonlySet<PlannedAsset>, store: ProjectStore, maxCredits: number | undefined, tally: Tally) {
  const payable = unpaid.size === 0 ? plan : { ...plan, items: plan.items.filter((i) => !unpaid.has(i)) };
  return checkBudget(payable, store.lock, maxCredits, tally.emit);
}

/** Every event counted first, then seen by the uploader (a `generated` event starts its uploads). */
function withUploads(emit: (event: BuildEvent) => void, uploader: Uploader): (event: BuildEvent) => void {
  return (event) => {
    emit(event);
    uploader.observe(event);
  };
}

/**
 * The API, opened only when something must be paid for or fetched: a no-op build, the common case,
 * never pays the start-up cost of the client and its HTTP stack.
 */
async function openApiFor(paid: readonly PlannedAsset[], loaded: LoadedProject, offline: boolean) {
  const { openApi } = await import('./api-session.js');
  // only tasks of earlier builds (resumed, recovered): the key is needed, and placeholders are no answer
  const n = paid.length;
  const fetchOnly = paid.every((i) => i.action.type === 'resume');
  const purpose = `the results of ${n} task${n === 1 ? '' : 's'} already paid for must be fetched from the API`;
  return openApi({
    project: loaded.project,
    env: loaded.env,
    offline,
    explainMissingKey: () => loaded.explainMissing('KIE_API_KEY'),
    ...(fetchOnly ? { purpose } : {}),
  });
}

async function planFor(
  project: Project,
  store: ProjectStore,
  loaded: LoadedProject,
  options: BuildOptions,
): Promise<{ gathered: GatheredState; plan: Plan }> {
  const offline = options.offline === true;
  const gathered = await gatherState(project, store, loaded.selected, { baseUrl: project.config.api.baseUrl, offline });
  const plan = planBuild(gathered.facts, store.lock, gathered.orphanOutputs, planOptions(options));
  if (hasScenes(project, store.lock))
    plan.scenes = planScenes(await gatherScenes(project, store), store.lock, plan.items, options.force === true);
  return { gathered, plan };
}
