/**
 * What every command does first: find the config, read `.env` beside it, load and validate the
 * project, pick the assets `--only` selects, and open the project's local state.
 */
import { dirname, join, relative } from 'node:path';
import { KieaudioError } from '../errors.js';
import type { Env, Project, ResolvedAsset } from '../project.js';
import { LOCK_FILE_NAME } from '../store/lock-file.js';
import { openProjectStore, type ProjectStore } from '../store/project-store.js';
import { sha256Hex } from '../store/sha256.js';
import { dotEnvWarnings, explainMissing } from './dotenv.js';
import { type LoadTrace, loadProject } from './load.js';
import { locateProject } from './locate-project.js';
import { openParseCache } from './parse-cache.js';
import { projectFromSnapshot, type SnapshotHead, type SnapshotKey, takeSnapshot } from './project-snapshot.js';
import { STATE_DIR_NAME } from './resolve-config.js';
import { selectAssets } from './select.js';

export interface CommonOptions {
  /** default: process.cwd() */
  cwd?: string;
  /** an explicit config file instead of walking up from cwd */
  configPath?: string;
  /** default: process.env; a `.env` file beside the config fills in what it lacks */
  env?: Env;
  /** ids or out paths, globs allowed; empty means every asset */
  only?: string[];
  /** use the built-in simulator: placeholder audio, no key, no network */
  offline?: boolean;
}

export interface LoadedProject {
  project: Project;
  env: Env;
  /** why an environment variable has no value, for the message that needs it (KIE_API_KEY) */
  explainMissing(name: string): string;
  selected: ResolvedAsset[];
  /** opens the project's local state (lock, stat index, cache, journal); reads only */
  openStore(): Promise<ProjectStore>;
  /** keeps what the YAML parser made of the spec files for the next load (commands that write) */
  saveParseCache(): Promise<void>;
  /**
   * What the project was resolved from (snapshot-head.ts): known when it was recalled from its
   * snapshot, or once `saveParseCache` has written one; undefined otherwise.
   */
  head(): SnapshotHead | undefined;
}

export interface PreparedProject extends Omit<LoadedProject, 'openStore' | 'saveParseCache' | 'head'> {
  store: ProjectStore;
}

export async function prepareProject(options: CommonOptions): Promise<PreparedProject> {
  const { openStore, saveParseCache: _, head: __, ...loaded } = await loadSelected(options);
  return { ...loaded, store: await openStore() };
}

/**
 * Loads and validates the project and applies `--only`; touches no local state yet. `writes`: the
 * command will call `saveParseCache`, which then also keeps a snapshot of the project.
 */
export async function loadSelected(options: CommonOptions, writes = false): Promise<LoadedProject> {
  const { cwd, configPath, dotEnv, environment, env } = await locateProject(options);
  const { project, saveCaches, head } = await loadOrRecall({ cwd, configPath, env }, writes);
  project.warnings.push(...dotEnvWarnings(dotEnv));
  const only = options.only ?? [];
  const selected = selectAssets(project.assets, only, project.scenes);
  if (only.length > 0 && selected.length === 0) {
    throw new KieaudioError('E_NO_MATCH', `--only ${only.join(', ')} matches no asset or scene file id or out path`);
  }
  const lockDisplay = relative(cwd, join(project.config.rootDir, LOCK_FILE_NAME)) || LOCK_FILE_NAME;
  return {
    project,
    env,
    explainMissing: (name) => explainMissing(name, dotEnv, environment),
    selected,
    openStore: () => openProjectStore(project, lockDisplay),
    saveParseCache: saveCaches,
    head,
  };
}

/**
 * The project from its snapshot when no file it came from has changed, else loaded in full (with
 * the parse cache); `writes`: the command saves what it loaded for the next one (`saveCaches`).
 */
async function loadOrRecall(
  who: SnapshotKey,
  writes: boolean,
): Promise<Pick<LoadedProject, 'project' | 'head'> & { saveCaches(): Promise<void> }> {
  const recalled = await projectFromSnapshot(who);
  if (recalled !== undefined) return { project: recalled.project, saveCaches: async () => undefined, head: () => recalled.head };
  const parseCache = await openParseCache(join(dirname(who.configPath), STATE_DIR_NAME));
  const read = new Map<string, string>();
  let unmatched: number[] = [];
  const trace: LoadTrace = { read: (path, text) => read.set(path, sha256Hex(text)), unmatched: (indexes) => (unmatched = indexes) };
  const project = await loadProject({ ...who, parseCache, trace });
  // taken now, before the build adds to the project's warnings
  const snapshot = writes ? takeSnapshot(who, project, read, unmatched) : undefined;
  let head: SnapshotHead | undefined;
  return {
    project,
    async saveCaches() {
      await parseCache.save();
      head = await snapshot?.save();
    },
    head: () => head,
  };
}
