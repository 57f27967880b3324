/**
 * Effects: finds the config, globs and reads the spec files, and hands the text to the pure
 * parse and resolve steps. Loading either returns a Project (with warnings) or throws one
 * ValidationError that lists every problem in every file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { toKieaudioError } from '../errors.js';
import type { Env, Project } from '../project.js';
import { CONFIG_FILE_NAME, findConfig } from './find-config.js';
import { finishLoad, type LoadState, loadState } from './load-state.js';
import type { ParseCache } from './parse-cache.js';

export { CONFIG_FILE_NAME, findConfig };

export interface LoadOptions {
  /** display paths in diagnostics are relative to it; the config is searched from it */
  cwd: string;
  /** explicit config file (--config), relative to cwd or absolute */
  configPath?: string;
  /** default: process.env */
  env?: Env;
  /** YAML already parsed by earlier builds, to skip parsing files whose text has not changed */
  parseCache?: ParseCache;
  /** told what loading read, for the snapshot of the project (spec/project-snapshot.ts) */
  trace?: LoadTrace;
}

export type { LoadTrace } from './read-specs.js';

import type { LoadTrace } from './read-specs.js';

export async function loadProject(options: LoadOptions): Promise<Project> {
  return finishLoad(await loadConfigState(options));
}

/** Everything a load reads and works out, before it becomes a Project (load-state.ts). */
export async function loadConfigState(options: LoadOptions): Promise<LoadState> {
  const cwd = resolve(options.cwd);
  const configPath = await findConfig(cwd, options.configPath);
  const text = await readConfig(configPath);
  options.trace?.read(configPath, text);
  return loadState({
    configPath,
    rootDir: dirname(configPath),
    text,
    env: options.env ?? process.env,
    display: (path) => displayPath(cwd, path),
    parseCache: options.parseCache,
    trace: options.trace,
  });
}

async function readConfig(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw toKieaudioError(error, 'E_IO', { action: 'read', path });
  }
}

/** Relative to cwd with forward slashes, as users see and type paths. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === '' ? path : rel).split(sep).join('/');
}
