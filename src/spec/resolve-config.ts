/**
 * Pure: a validated config plus the environment → ResolvedConfig. Environment variables win over
 * the file (KIE_API_BASE_URL, KIEAUDIO_CACHE_DIR), and every path becomes absolute.
 */
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { DEFAULT_CHECK, DEFAULT_MODELS, type Env, type RemoteCacheSettings, type ResolvedConfig } from '../project.js';
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

/**
 * Every environment variable resolving a config reads. What a resolved project depends on besides
 * its files: the project snapshot (spec/project-snapshot.ts) is keyed by their values. Never the key.
 */
export const RESOLUTION_ENV = ['KIE_API_BASE_URL', 'KIEAUDIO_CACHE_DIR', 'KIEAUDIO_REMOTE_CACHE_URL'] as const;

/** The only way resolution reads the environment: a name outside RESOLUTION_ENV does not compile. */
function fromEnv(env: Env, name: (typeof RESOLUTION_ENV)[number]): string | undefined {
  return nonEmpty(env[name]);
}

export function resolveConfig(source: ConfigSource): ResolvedConfigResult {
  const { config, rootDir, env } = source;
  const diagnostics = checkEnv(source);
  const envUrl = fromEnv(env, 'KIE_API_BASE_URL');
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
      remoteCache: diagnostics.length === 0 ? remoteCacheOf(config, env) : undefined,
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
      ...deliveryOf(config, rootDir),
    },
    diagnostics,
  };
}

/** `manifest:` and `report:`, with absolute paths; absent when not set. */
function deliveryOf(config: ConfigInput, rootDir: string): Pick<ResolvedConfig, 'manifest' | 'report'> {
  const json = config.manifest?.json ?? undefined;
  const csv = config.manifest?.csv ?? undefined;
  const manifest = {
    ...(json === undefined ? {} : { json: resolve(rootDir, json) }),
    ...(csv === undefined ? {} : { csv: resolve(rootDir, csv) }),
  };
  const out = config.report?.out;
  return {
    ...(json === undefined && csv === undefined ? {} : { manifest }),
    ...(out == null ? {} : { report: { out: resolve(rootDir, out) } }),
  };
}

/** The environment's overrides that can be wrong whatever the config says (reported even when the config is invalid). */
export function checkEnv(source: Pick<ConfigSource, 'display' | 'locate' | 'env'>): Diagnostic[] {
  const checks = [
    { name: 'KIE_API_BASE_URL', field: 'api.baseUrl', path: ['api', 'baseUrl'] },
    { name: 'KIEAUDIO_REMOTE_CACHE_URL', field: 'cache.remote.url', path: ['cache', 'remote', 'url'] },
  ] as const;
  const diagnostics: Diagnostic[] = [];
  for (const { name, field, path } of checks) {
    const value = fromEnv(source.env, name);
    if (value === undefined || isHttpUrl(value)) continue;
    diagnostics.push({
      file: source.display,
      ...source.locate(path),
      severity: 'error',
      code: 'E_ENV',
      field,
      // the value is not shown: a URL that failed this check may hold a password
      message: `${name} (which overrides ${field}): expected an http(s) URL without user name or password, found ${describeEnvUrl(value)}`,
    });
  }
  return diagnostics;
}

/** A bad URL from the environment, said without what may be a password in it. */
function describeEnvUrl(value: string): string {
  return /^[a-z]+:\/\/[^/]*@/i.test(value) ? 'a URL with a user name or password' : describeFound(value);
}

/**
 * The team cache: the config's `cache.remote`, its url replaced by KIEAUDIO_REMOTE_CACHE_URL when
 * that is set; the variable alone sets one up (read-write, not required), so CI can turn it on
 * without editing the config.
 */
function remoteCacheOf(config: ConfigInput, env: Env): RemoteCacheSettings | undefined {
  const remote = config.cache?.remote;
  const url = fromEnv(env, 'KIEAUDIO_REMOTE_CACHE_URL') ?? remote?.url;
  if (url === undefined) return undefined;
  return {
    url: url.replace(/\/+$/, ''),
    readOnly: remote?.readOnly ?? false,
    required: remote?.required ?? false,
    timeoutSeconds: remote?.timeoutSeconds ?? 15,
  };
}

/** The environment's KIEAUDIO_CACHE_DIR, when set to something. */
export function envCacheDir(env: Env): string | undefined {
  return fromEnv(env, 'KIEAUDIO_CACHE_DIR');
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
