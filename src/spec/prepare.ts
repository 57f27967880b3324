/**
 * What every command does first: find the config, read `.env` beside it, load and validate the
 * project, pick the assets `--only` selects, and open the project's local state.
 */
import { dirname, join, relative } from 'node:path';
import { KieaudioError } from '../errors.js';
import type { Env, Project, ResolvedAsset } from '../project.js';
import { LOCK_FILE_NAME } from '../store/lock-file.js';
import { openProjectStore, type ProjectStore } from '../store/project-store.js';
import { dotEnvWarnings, explainMissing, readDotEnv } from './dotenv.js';
import { findConfig, loadProject } from './load.js';
import { openParseCache } from './parse-cache.js';
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
}

export interface PreparedProject extends Omit<LoadedProject, 'openStore' | 'saveParseCache'> {
  store: ProjectStore;
}

export async function prepareProject(options: CommonOptions): Promise<PreparedProject> {
  const { openStore, saveParseCache: _, ...loaded } = await loadSelected(options);
  return { ...loaded, store: await openStore() };
}

/** Loads and validates the project and applies `--only`; touches no local state yet. */
export async function loadSelected(options: CommonOptions): Promise<LoadedProject> {
  const cwd = options.cwd ?? process.cwd();
  const configPath = await findConfig(cwd, options.configPath);
  const envPath = join(dirname(configPath), '.env');
  const dotEnv = await readDotEnv(envPath, relative(cwd, envPath) || '.env');
  const environment = options.env ?? process.env;
  const env = { ...dotEnv.values, ...environment };
  const parseCache = await openParseCache(join(dirname(configPath), STATE_DIR_NAME));
  const project = await loadProject({ cwd, configPath, env, parseCache });
  project.warnings.push(...dotEnvWarnings(dotEnv));
  const only = options.only ?? [];
  const selected = selectAssets(project.assets, only);
  if (only.length > 0 && selected.length === 0) {
    throw new KieaudioError('E_NO_MATCH', `--only ${only.join(', ')} matches no asset id or out path`);
  }
  const lockDisplay = relative(cwd, join(project.config.rootDir, LOCK_FILE_NAME)) || LOCK_FILE_NAME;
  return {
    project,
    env,
    explainMissing: (name) => explainMissing(name, dotEnv, environment),
    selected,
    openStore: () => openProjectStore(project, lockDisplay),
    saveParseCache: () => parseCache.save(),
  };
}
