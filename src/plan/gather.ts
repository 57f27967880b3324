/**
 * Gathering the facts a plan is made from: the lock, the state of every output file (through the
 * stat index, so up-to-date files are not read), and — only for assets that are not up to date —
 * the cache and the journal. Shared by `build`, `plan` and `status`; it writes nothing.
 */
import pLimit from 'p-limit';
import type { Project, ResolvedAsset } from '../project.js';
import { specHash } from '../spec/hash.js';
import { outputPath, type ProjectStore } from '../store/project-store.js';
import type { OutputState } from '../store/stat-index.js';
import type { AssetFacts } from './decide.js';
import { type JournalFacts, readJournalFacts } from './journal-facts.js';

/** File system calls in flight at once while gathering: enough to hide latency, few enough for any OS. */
const IO_CONCURRENCY = 64;

export interface GatheredState {
  store: ProjectStore;
  facts: AssetFacts[];
  orphanOutputs: Map<string, OutputState>;
  /** what the journal says, sorted (journal-facts.ts) */
  journal: JournalFacts;
}

export async function gatherState(
  project: Project,
  store: ProjectStore,
  selected: readonly ResolvedAsset[],
  api: { baseUrl: string; offline: boolean },
): Promise<GatheredState> {
  const limit = pLimit(IO_CONCURRENCY);
  const { lock, statIndex, cache } = store;
  const journal = await readJournalFacts(store, api);

  const facts = await Promise.all(
    selected.map((asset) =>
      limit(async (): Promise<AssetFacts> => {
        const hash = specHash(asset.model, asset.input);
        const output = await statIndex.check(asset.out, outputPath(project, asset.out));
        const entry = lock.assets[asset.out];
        const upToDate =
          entry !== undefined &&
          entry.specHash === hash &&
          output.exists &&
          output.contentHash === entry.contentHash &&
          (!entry.placeholder || api.offline);
        const cached = upToDate ? undefined : await cache.lookup(hash);
        return { asset, specHash: hash, output, cached, journal: journal.resumable.get(hash), unanswered: journal.unanswered.get(hash) };
      }),
    ),
  );

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

  return { store, facts, orphanOutputs, journal };
}
