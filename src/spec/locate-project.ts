/**
 * Where a command's project is and what environment it resolves in: the config file (found from
 * the working directory, or given), and the process environment over the `.env` beside it.
 */
import { dirname, join, relative, resolve } from 'node:path';
import type { Env } from '../project.js';
import { type DotEnv, readDotEnv } from './dotenv.js';
import { findConfig } from './find-config.js';

export interface ProjectLocation {
  /** absolute */
  cwd: string;
  /** absolute */
  configPath: string;
  dotEnv: DotEnv;
  /** the process's own environment (or the one given) */
  environment: Env;
  /** `environment` over the `.env`'s values */
  env: Env;
}

export async function locateProject(options: { cwd?: string; configPath?: string; env?: Env }): Promise<ProjectLocation> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configPath = await findConfig(cwd, options.configPath);
  const envPath = join(dirname(configPath), '.env');
  const dotEnv = await readDotEnv(envPath, relative(cwd, envPath) || '.env');
  const environment = options.env ?? process.env;
  return { cwd, configPath, dotEnv, environment, env: { ...dotEnv.values, ...environment } };
}
