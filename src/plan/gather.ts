/**
 * Gathering the facts a plan is made from: the lock, the state of every output file (through the
 * stat index, so up-to-date files are not read), and — only for assets that are not up to date —
 * the cache (a damaged record checked against its data), the journal and the lock's task ids.
 * Shared by `build`, `plan` and `status`; it writes nothing.
 */
import pLimit from 'p-limit';
import type { Project, ResolvedAsset } from '../project.js';
import { specHashOf } from '../spec/hash.js';
import { checkDamagedRecord, type RecordRepair } from '../store/cache-repair.js';
import { type LockEntry, rawHashOf } from '../store/lock-file.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import type { OutputState } from '../store/stat-index.js';
import type { AssetFacts } from './decide.js';
import { derivedAtOut } from './derived-at-out.js';
import { type JournalFacts, readJournalFacts } from './journal-facts.js';
import { lockEntriesBySpec, lockEntriesOfSpec, lockTaskFor } from './lock-results.js';
import { describePostChange } from './post-change.js';
import { sidecarPathsToCheck } from './sidecar-plan.js';

/** File system calls in flight at once while gathering: enough to hide latency, few enough for any OS. */
const IO_CONCURRENCY = 64;

export interface GatheredState {
  store: ProjectStore;
  facts: AssetFacts[];
  orphanOutputs: Map<string, OutputState>;
  /** what the journal says, sorted (journal-facts.ts) */
  journal: JournalFacts;
  /** damaged cache records of the selected assets, by spec hash: what the build will do with each */
  cacheRepairs: Map<string, RecordRepair>;
}

export async function gatherState(
  project: Project,
  store: ProjectStore,
  selected: readonly ResolvedAsset[],
  api: { baseUrl: string; offline: boolean; buildRunning?: boolean },
): Promise<GatheredState> {
  const limit = pLimit(IO_CONCURRENCY);
  const { lock, statIndex } = store;
  const journal = await readJournalFacts(store, api);
  const ffmpeg = selected.some((asset) => asset.post !== undefined) ? await buildFfmpeg() : undefined;
  const c: FactsContext = {
    project,
    store,
    api,
    journal,
    lockResults: undefined,
    lockScans: 0,
    repairs: new Map(),
    now: Date.now(),
    ffmpeg,
  };
  const facts = await Promise.all(selected.map((asset) => limit(() => assetFacts(c, asset))));

  const declared = new Set(project.assets.map((a) => a.out));
  const orphanOutputs = new Map<string, OutputState>();
  await Promise.all(
    Object.keys(lock.assets)
      .filter((out) => !declared.has(out))
      .map((out) =>
        limit(async () => {
          orphanOutputs.set(out, await statIndex.check(out, outputPath(project, out)));
        }),
      ),
  );

  const cacheRepairs = new Map<string, RecordRepair>();
  for (const f of facts) if (f.cacheRepair) cacheRepairs.set(f.specHash, f.cacheRepair);
  return { store, facts, orphanOutputs, journal, cacheRepairs };
}

/** What gathering one asset's facts shares with the others'. */
interface FactsContext {
  project: Project;
  store: ProjectStore;
  api: { baseUrl: string; offline: boolean };
  journal: JournalFacts;
  /** what the lock knows by spec: made when more assets need it than a scan each is worth (a no-op build never does) */
  lockResults: ReturnType<typeof lockEntriesBySpec> | undefined;
  /** specs looked up in the lock by a scan so far */
  lockScans: number;
  /** damaged cache records, checked once per spec however many assets share it */
  repairs: Map<string, Promise<RecordRepair>>;
  now: number;
  /** the ffmpeg that post-processes (version.ts: ffmpegIdentity): looked for only when some selected asset has a chain */
  ffmpeg: string | undefined;
}

/** The ffmpeg a build would process with; undefined when there is none (each processed asset then fails, saying why). */
async function buildFfmpeg(): Promise<string | undefined> {
  try {
    const [{ locateFfmpeg }, { ffmpegIdentity }] = await Promise.all([import('../ffmpeg/locate.js'), import('../ffmpeg/version.js')]);
    return ffmpegIdentity((await locateFfmpeg()).version);
  } catch {
    return undefined;
  }
}

/** Sidecars are checked like outputs: through the stat index, so that a no-op build reads none of them. */
async function sidecarStates(c: FactsContext, paths: readonly string[]): Promise<Map<string, OutputState>> {
  const states = new Map<string, OutputState>();
  for (const out of paths) states.set(out, await c.store.statIndex.check(out, outputPath(c.project, out)));
  return states;
}

async function assetFacts(c: FactsContext, asset: ResolvedAsset): Promise<AssetFacts> {
  const { lock, statIndex, cache } = c.store;
  const hash = specHashOf(asset);
  const output = await statIndex.check(asset.out, outputPath(c.project, asset.out));
  const entry = lock.assets[asset.out];
  const upToDate =
    entry !== undefined &&
    entry.specHash === hash &&
    output.exists &&
    output.contentHash === entry.contentHash &&
    (!entry.placeholder || c.api.offline) &&
    describePostChange(entry, asset, c.ffmpeg) === undefined;
  const facts: AssetFacts = {
    asset,
    specHash: hash,
    output,
    journal: c.journal.resumable.get(hash),
    unanswered: c.journal.unanswered.get(hash),
    ffmpeg: c.ffmpeg,
  };
  // a pin holds while the spec is the one it was made for
  if (entry?.pinned !== undefined && entry.specHash === hash) facts.pin = { take: entry.pinned, contentHash: rawHashOf(entry) };
  const sidecars = sidecarPathsToCheck(asset, entry);
  if (sidecars.length > 0) facts.sidecars = await sidecarStates(c, sidecars);
  if (upToDate) return facts;
  const pin = facts.pin;
  // another output of the spec may hold another take: only the pinned take's task is asked for again
  const known = lockResultsFor(c, hash).filter((r) => pin === undefined || r.entry.contentHash === pin.contentHash);
  facts.cached = await cache.lookup(hash);
  if (facts.cached === undefined && cache.isDamaged(hash)) {
    let repair = c.repairs.get(hash);
    if (repair === undefined) {
      repair = checkDamagedRecord(cache, hash, { model: asset.model, container: asset.format.container, lock: known.map((r) => r.entry) });
      c.repairs.set(hash, repair);
    }
    facts.cacheRepair = await repair;
    if (facts.cacheRepair.kind === 'rebuild') facts.cached = facts.cacheRepair.record;
  }
  const take = pin ? { n: pin.take, contentHash: pin.contentHash } : await earlierTakeAtOut(c, hash, facts, entry);
  if (take) {
    const kept = await c.store.takes.locate(hash, take);
    if (pin || kept) facts.cached = kept?.record;
    if (kept && kept.key !== hash) facts.cacheKey = kept.key;
  }
  facts.derived = await derivedAtOut(c.store.derived, asset, facts.cached, output, c.ffmpeg);
  if (!c.api.offline) facts.lockTask = lockTaskFor(known, asset.out, { baseUrl: c.api.baseUrl, now: c.now });
  return facts;
}

/** Below this many stale assets, each scans the lock (a rebuild of one edited line); above, the lock is indexed once. */
const SCANS_BEFORE_INDEX = 8;

function lockResultsFor(c: FactsContext, hash: string): Array<{ out: string; entry: LockEntry }> {
  if (c.lockResults === undefined && c.lockScans < SCANS_BEFORE_INDEX) {
    c.lockScans++;
    return lockEntriesOfSpec(c.store.lock, hash);
  }
  c.lockResults ??= lockEntriesBySpec(c.store.lock);
  return c.lockResults.get(hash) ?? [];
}

/**
 * A file at `out` that the lock does not record (a lost lock, a checkout of another's output) may
 * hold an earlier take of the spec, not only the newest: found, it is adopted like the newest.
 */
async function earlierTakeAtOut(c: FactsContext, hash: string, facts: AssetFacts, entry: LockEntry | undefined) {
  const { output } = facts;
  if (!output.exists || output.contentHash === undefined) return undefined;
  if (output.contentHash === entry?.contentHash || output.contentHash === facts.cached?.contentHash) return undefined;
  return (await c.store.takes.list(hash)).find((t) => t.contentHash === output.contentHash);
}
