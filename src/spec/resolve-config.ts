/**
 * Pure: a validated config plus the environment → ResolvedConfig. Environment variables win over
 * the file (KIE_API_BASE_URL, KIEAUDIO_CACHE_DIR), and every path becomes absolute.
 */
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { DEFAULT_CHECK, DEFAULT_MODELS, type Env, type ResolvedConfig } from '../project.js';
import { describeFound } from './describe.js';
import type { Locate } from './position.js';
import type { ConfigInput } from './schema.js';

export interface ConfigSource {
  configPath: string;
  rootDir: string;
  /** the config path as the user should see it */
  display: string;
  config: ConfigInput;
  locate: Locate;
  env: Env;
}

export interface ResolvedConfigResult {
  config: ResolvedConfig;
  diagnostics: Diagnostic[];
}

export const STATE_DIR_NAME = '.kieaudio';

export function resolveConfig(source: ConfigSource): ResolvedConfigResult {
  const { config, rootDir, env } = source;
  const diagnostics = checkEnv(source);
  const envUrl = nonEmpty(env.KIE_API_BASE_URL);
  const baseUrl = diagnostics.length === 0 && envUrl !== undefined ? envUrl : config.api.baseUrl;

  const envCache = envCacheDir(env);
  const models = { ...DEFAULT_MODELS };
  for (const kind of ['voice', 'effect'] as const) {
    const fromDefaults = config.defaults?.[kind]?.model;
    const fromModels = config.models?.[kind];
    if (fromDefaults != null) {
      models[kind] = fromDefaults;
    } else if (fromModels != null) {
      models[kind] = fromModels;
    }
  }

  return {
    config: {
      configPath: source.configPath,
      rootDir,
      include: config.include ?? [],
      outDir: resolve(rootDir, config.outDir),
      cacheDir: resolve(rootDir, envCache ?? config.cacheDir),
      stateDir: join(rootDir, STATE_DIR_NAME),
      concurrency: config.concurrency,
      api: {
        baseUrl: baseUrl.replace(/\/+$/, ''),
        rateLimit: { ...config.api.rateLimit },
        pollRateLimit: { ...config.api.pollRateLimit },
        requestTimeoutSeconds: config.api.requestTimeoutSeconds,
        retry: { ...config.api.retry },
        poll: { ...config.api.poll },
      },
      models,
      defaults: {
        voice: { ...config.defaults?.voice },
        effect: { ...config.defaults?.effect },
      },
      check: { ...DEFAULT_CHECK, ...definedOf(config.check ?? {}) },
      budget: definedOf(config.budget ?? {}),
      languages: [...(config.languages ?? [])],
      localization: { missing: config.localization.missing, translations: [...config.localization.translations] },
    },
    diagnostics,
  };
}

/** The environment's overrides that can be wrong whatever the config says (reported even when the config is invalid). */
export function checkEnv(source: Pick<ConfigSource, 'display' | 'locate' | 'env'>): Diagnostic[] {
  const envUrl = nonEmpty(source.env.KIE_API_BASE_URL);
  if (envUrl === undefined || isHttpUrl(envUrl)) return [];
  return [
    {
      file: source.display,
      ...source.locate(['api', 'baseUrl']),
      severity: 'error',
      code: 'E_ENV',
      field: 'api.baseUrl',
      message: `KIE_API_BASE_URL (which overrides api.baseUrl): expected an http(s) URL without user name or password, found ${describeFound(envUrl)}`,
    },
  ];
}

/** The environment's KIEAUDIO_CACHE_DIR, when set to something. */
export function envCacheDir(env: Env): string | undefined {
  return nonEmpty(env.KIEAUDIO_CACHE_DIR);
}

/** The keys that have a value (a key written as null keeps its default). */
function definedOf<T extends object>(values: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v != null)) as Partial<{ [K in keyof T]: NonNullable<T[K]> }>;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Same rule as api.baseUrl in the config: http(s), and no credentials smuggled into the URL. */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
