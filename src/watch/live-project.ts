/**
 * The project watch mode keeps in memory between rebuilds (docs/watch.md): the load, spec file by
 * spec file (spec/load-state.ts), and the lock and stat index (store/store-memo.ts). A save to
 * spec files re-reads and re-resolves those files alone; anything else loads in full. Each
 * rebuild then plans only what can have changed:
 *
 * - assets that are new, or not what they were in the last build (any field: spec, id, post
 *   chain, where they are declared);
 * - assets the last build planned work for, or that it did not get to (it failed or stopped), so
 *   whatever did not end up up to date is tried again;
 * - every asset, after a full load (the first build, a config, `.env` or table change).
 *
 * Orphans (lock entries no longer declared) are found over the whole lock by the build itself.
 * Outputs of the assets not planned are not looked at: watch mode does not watch outputs.
 */
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KieaudioError } from '../errors.js';
import type { Env, Project, ResolvedAsset } from '../project.js';
import { dotEnvWarnings, explainMissing, readDotEnv } from '../spec/dotenv.js';
import { loadConfigState } from '../spec/load.js';
import { finishLoad, type LoadState, type SpecState } from '../spec/load-state.js';
import { updateLoadState } from '../spec/load-update.js';
import { openParseCache } from '../spec/parse-cache.js';
import type { LoadedProject } from '../spec/prepare.js';
import { STATE_DIR_NAME } from '../spec/resolve-config.js';
import { selectAssets } from '../spec/select.js';
import { JOURNAL_DIR } from '../store/journal.js';
import { LOCK_FILE_NAME } from '../store/lock-file.js';
import type { ProjectStore } from '../store/project-store.js';
import { createStoreMemo } from '../store/store-memo.js';
import type { ChangeKind } from './rebuild-queue.js';

export interface LiveProjectOptions {
  cwd: string;
  configPath: string;
  /** default: process.env */
  env?: Env | undefined;
  only?: string[] | undefined;
}

/** What one rebuild builds. */
export interface Rebuilding {
  loaded: LoadedProject;
  /** the assets planned, of those `--only` selects; undefined: all of them (a full load) */
  checked: { assets: number; of: number } | undefined;
  /** the spec files' states it was loaded from */
  specs: ReadonlyMap<string, SpecState>;
}

export interface LiveProject {
  /** The project as the files are now, after `changes`. Throws as loading does (invalid input). */
  prepare(changes: ReadonlyMap<string, ChangeKind>): Promise<Rebuilding>;
  /** After the build of `rebuilding`: what it did, or undefined when it threw. */
  settle(rebuilding: Rebuilding, outcome: BuildOutcome | undefined): void;
}

/** What one build did, as far as the next needs to know. */
export interface BuildOutcome {
  /** the outs the plan found not up to date */
  stale: readonly string[];
  /** of those, the ones the build brought up to date (generated, restored, adopted, sidecars written) */
  finished: ReadonlySet<string>;
}

export function createLiveProject(options: LiveProjectOptions): LiveProject {
  const { cwd, configPath } = options;
  const lockDisplay = relative(cwd, join(dirname(configPath), LOCK_FILE_NAME)) || LOCK_FILE_NAME;
  const memo = createStoreMemo(lockDisplay);
  const loader = createLoader(options);
  /** what the last build was given */
  let built: Built | undefined;
  /** outs the last build planned work for, or did not finish */
  let again = new Set<string>();
  /** the journal folder as the last build left it: another build's tasks there are resumed by planning everything */
  let journalSeen: string | undefined;
  const stores = new WeakMap<Rebuilding, ProjectStore>();

  return {
    async prepare(changes) {
      const { state, env, full, saveParseCache } = await loader.load(changes);
      const project = await finishLoad(state);
      project.warnings.push(...dotEnvWarnings(env.dotEnv));
      const selectable = selectableAssets(project, options.only ?? []);
      const before = full || journalStamp(configPath) !== journalSeen ? undefined : built;
      const selected = before === undefined ? [...selectable] : affected(state, before, again, selectable);
      const rebuilding: Rebuilding = {
        loaded: {
          project,
          env: env.env,
          explainMissing: (name) => explainMissing(name, env.dotEnv, env.environment),
          selected,
          openStore: async () => {
            const store = await memo.open(project);
            stores.set(rebuilding, store);
            return store;
          },
          saveParseCache,
          // no snapshot is kept for a watch rebuild, and none stamps the project (build.ts)
          head: () => undefined,
        },
        checked: before === undefined ? undefined : { assets: selected.length, of: selectable.length },
        specs: state.specs,
      };
      return rebuilding;
    },
    settle(rebuilding, outcome) {
      const store = stores.get(rebuilding);
      if (store !== undefined) memo.settle(store, outcome !== undefined);
      const { assets } = rebuilding.loaded.project;
      // the same array when no file changed (load-state.ts keeps what the files resolved to)
      const byOut = assets === built?.from ? built.byOut : new Map(assets.map((a) => [a.out, a]));
      built = { specs: rebuilding.specs, byOut, from: assets };
      const stillToDo =
        outcome === undefined ? rebuilding.loaded.selected.map((a) => a.out) : outcome.stale.filter((out) => !outcome.finished.has(out));
      again = new Set(stillToDo);
      journalSeen = journalStamp(configPath);
    },
  };
}

/**
 * The journal folder's stat data. Another build (interrupted, say) may leave tasks there for assets
 * no edit touches: a rebuild that finds the folder changed since the last one plans every asset, so
 * they are resumed as a full build would, never paid for again.
 */
function journalStamp(configPath: string): string {
  const s = statSync(join(dirname(configPath), STATE_DIR_NAME, JOURNAL_DIR), { throwIfNoEntry: false });
  return s === undefined ? 'none' : `${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
}

type Environment = Awaited<ReturnType<typeof loadEnvironment>>;

interface Loaded {
  state: LoadState;
  env: Environment;
  /** loaded in full (not brought up to date from the last load) */
  full: boolean;
  saveParseCache(): Promise<void>;
}

/** The load kept between rebuilds: brought up to date with the changes where it can be, else loaded in full. */
function createLoader(options: LiveProjectOptions): { load(changes: ReadonlyMap<string, ChangeKind>): Promise<Loaded> } {
  const { cwd, configPath } = options;
  let state: LoadState | undefined;
  let env: Environment | undefined;
  return {
    async load(changes) {
      const update = state === undefined || changes.size === 0 ? undefined : await updateLoadState(state, specChanges(changes));
      if (update !== undefined && env !== undefined) {
        state = update;
        return { state, env, full: false, saveParseCache: async () => undefined };
      }
      // a load that fails (a config that is not a map) leaves nothing to bring up to date
      state = undefined;
      env = await loadEnvironment(cwd, configPath, options.env ?? process.env);
      const parseCache = await openParseCache(join(dirname(configPath), STATE_DIR_NAME));
      state = await loadConfigState({ cwd, configPath, env: env.env, parseCache });
      return { state, env, full: true, saveParseCache: () => parseCache.save() };
    },
  };
}

/** The assets `--only` selects (all without it); none is an error, as in any command. */
function selectableAssets(project: Project, only: readonly string[]): ResolvedAsset[] {
  if (only.length === 0) return project.assets;
  const selected = selectAssets(project.assets, only, project.scenes);
  if (selected.length === 0)
    throw new KieaudioError('E_NO_MATCH', `--only ${only.join(', ')} matches no asset or scene file id or out path`);
  return selected;
}

/** What the last build was given: its files' states, and its assets. */
interface Built {
  specs: ReadonlyMap<string, SpecState>;
  byOut: ReadonlyMap<string, ResolvedAsset>;
  from: readonly ResolvedAsset[];
}

/**
 * The assets to plan, in project order: those of the files whose state is not the one the last
 * build was given (changed since, whatever happened in between) that differ from what it was given
 * in any field, and those it did not finish.
 */
function affected(state: LoadState, built: Built, again: ReadonlySet<string>, selectable: readonly ResolvedAsset[]): ResolvedAsset[] {
  const chosen = new Set(again);
  for (const [path, spec] of state.specs) {
    if (spec === built.specs.get(path) || spec.record === undefined) continue;
    for (const asset of spec.record.assets) {
      const before = built.byOut.get(asset.out);
      if (before === undefined || !isDeepStrictEqual(before, asset)) chosen.add(asset.out);
    }
  }
  return chosen.size === 0 ? [] : selectable.filter((a) => chosen.has(a.out));
}

function specChanges(changes: ReadonlyMap<string, ChangeKind>) {
  return { paths: new Set(changes.keys()), added: [...changes.values()].some((c) => c !== 'changed') };
}

/** The environment loading sees: the `.env` beside the config fills in what the process's lacks. */
async function loadEnvironment(cwd: string, configPath: string, environment: Env) {
  const envPath = join(dirname(configPath), '.env');
  const dotEnv = await readDotEnv(envPath, relative(cwd, envPath) || '.env');
  return { dotEnv, environment, env: { ...dotEnv.values, ...environment } };
}
