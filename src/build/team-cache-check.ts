/**
 * What `plan` says of the team cache: which assets it would generate are there already (one HEAD
 * of an AC record each, with a short timeout), so the plan can say "in the team cache" rather
 * than quote a payment. `plan` must stay fast: the client's requests run concurrently, a server
 * that does not answer is given up on after its first timeout, and nothing is downloaded.
 */
import type { PlannedAsset } from '../plan/decide.js';
import type { Env, ResolvedConfig } from '../project.js';
import { RemoteCacheError } from '../remote/remote-error.js';
import { openRemoteSession } from './remote-session.js';

/** A plan waits at most this long per request on the team cache. */
const PLAN_TIMEOUT_MS = 2_000;

export interface TeamCacheCheck {
  /** spec hashes the team cache has */
  found: Set<string>;
  /** why the team cache could not be asked, when it could not */
  unreadable?: string;
}

export async function checkTeamCache(
  config: ResolvedConfig,
  env: Env,
  items: readonly PlannedAsset[],
): Promise<TeamCacheCheck | undefined> {
  const generate = items.filter((i) => i.action.type === 'generate');
  if (generate.length === 0) return undefined;
  const session = await openRemoteSession(config, env, { timeoutMs: PLAN_TIMEOUT_MS });
  if (session === undefined) return undefined;
  const check: TeamCacheCheck = { found: new Set() };
  const hashes = new Set(generate.map((i) => i.specHash));
  try {
    await Promise.all(
      [...hashes].map(async (hash) => {
        try {
          if (await session.remote.hasRecord(hash)) check.found.add(hash);
        } catch (error) {
          if (!(error instanceof RemoteCacheError)) throw error;
          check.unreadable ??= error.message;
        }
      }),
    );
  } finally {
    await session.remote.close();
  }
  return check;
}

/** The plan's items, those the team cache has saying so. */
export function markTeamCached(items: readonly PlannedAsset[], check: TeamCacheCheck | undefined): PlannedAsset[] {
  if (check === undefined || check.found.size === 0) return [...items];
  return items.map((item) =>
    item.action.type === 'generate' && check.found.has(item.specHash)
      ? { ...item, reason: `${item.reason}; in the team cache (a build restores it from there: no charge)` }
      : item,
  );
}
