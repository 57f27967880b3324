/**
 * The team cache's part in a build, between planning and paying: look up what the plan would
 * generate, plan again with what was found (now local restores), and fail before paying what
 * could not be looked up when the cache is `required`. Opened only when the plan has something
 * to generate, resume or hold: a no-op build, an --offline one or a --frozen check never touches
 * the network. What the build then pays for (resumed tasks and --regenerate takes too) is uploaded.
 */
import { KieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { Plan, PlannedAsset } from '../plan/decide.js';
import type { GatheredState } from '../plan/gather.js';
import type { Env, Project } from '../project.js';
import type { ProjectStore } from '../store/project-store.js';
import { failedEvent } from './records.js';
import { fillFromRemote } from './remote-fill.js';
import { openRemoteSession, type RemoteSession } from './remote-session.js';
import { createUploader, type Uploader } from './remote-upload.js';

export interface Planned {
  gathered: GatheredState;
  plan: Plan;
}

export interface TeamCacheOptions {
  project: Project;
  env: Env;
  store: ProjectStore;
  /** --remote-cache-read-only */
  readOnly: boolean;
  /** --regenerate asks for new takes: the team cache's would be the old ones */
  regenerate: boolean;
  offline: boolean;
  signal: AbortSignal | undefined;
  emit: (event: BuildEvent) => void;
  replan(): Promise<Planned>;
}

export interface TeamCacheStep extends Planned {
  session: RemoteSession | undefined;
  /** `generate` items failed because the required team cache could not be read: not paid for */
  failed: PlannedAsset[];
}

export async function consultTeamCache(planned: Planned, options: TeamCacheOptions): Promise<TeamCacheStep> {
  const none = { ...planned, session: undefined, failed: [] };
  if (options.offline) return none;
  const lookups = options.regenerate ? [] : planned.plan.items.filter(worthLookingUp);
  // what this build pays for is shared even when nothing is looked up (a resumed task, a new take)
  const pays = planned.plan.items.some((i) => i.action.type === 'generate' || i.action.type === 'resume');
  if (lookups.length === 0 && !pays) return none;
  const session = await openRemoteSession(options.project.config, options.env, { readOnly: options.readOnly });
  if (session === undefined) return none;
  if (lookups.length === 0) return { ...planned, session, failed: [] };
  const fill = await fillFromRemote({
    session,
    store: options.store,
    items: lookups,
    ffmpeg: planned.gathered.facts.find((f) => f.ffmpeg !== undefined)?.ffmpeg,
    signal: options.signal,
    emit: options.emit,
  });
  const next = fill.filled.size > 0 ? await options.replan() : planned;
  const items = next.plan.items.map((item) =>
    fill.filled.has(item.specHash) && item.action.type === 'restore' ? { ...item, reason: `${item.reason} (from the team cache)` } : item,
  );
  const failed = session.required ? items.filter((i) => i.action.type === 'generate' && fill.unreadable.has(i.specHash)) : [];
  return { gathered: next.gathered, plan: { ...next.plan, items }, session, failed };
}

/**
 * An item the team cache may spare: one the plan would pay for, or one held because an earlier
 * request for it may have been charged (a teammate's result is the free way to build it). Not a
 * held pinned take: the team cache has a take, not necessarily that one.
 */
function worthLookingUp(item: PlannedAsset): boolean {
  const { action } = item;
  return action.type === 'generate' || (action.type === 'hold' && action.pinned === undefined);
}

/** The `failed` event of an asset not paid for because the required team cache could not be read. */
export function requiredFailure(item: PlannedAsset): BuildEvent {
  const message = 'not generated: the team cache could not be read and cache.remote.required is set (nothing was paid for)';
  return failedEvent(item, new KieaudioError('E_REMOTE_CACHE', message), { notStarted: false });
}

/** The uploader for what this build pays for, unless the team cache is read-only (then nothing is ever PUT). */
export function uploaderFor(
  session: RemoteSession | undefined,
  store: ProjectStore,
  paid: readonly PlannedAsset[],
  emit: (event: BuildEvent) => void,
  signal: AbortSignal | undefined,
): Uploader | undefined {
  if (session === undefined || session.readOnly || paid.length === 0) return undefined;
  const specHashes = new Map(paid.map((i) => [i.asset.out, i.specHash]));
  return createUploader({ remote: session.remote, store, specHashes, emit, signal });
}
