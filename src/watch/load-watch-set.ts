/**
 * The watch set for a config as it is on disk now. Only the config is read: a broken spec file
 * must not change what is watched (its fix has to be seen), and a broken config keeps the last
 * good set (undefined here).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Env } from '../project.js';
import { discoverSpecFiles } from '../spec/discover.js';
import { CONFIG_FILE_NAME } from '../spec/load.js';
import { localizationSettings } from '../spec/localization-settings.js';
import { parseConfigText } from '../spec/parse.js';
import { STATE_DIR_NAME } from '../spec/resolve-config.js';
import { createWatchSet, type WatchSet } from './watch-set.js';

export interface LoadedWatchSet {
  set: WatchSet;
  /** spec files the include patterns match right now */
  specFiles: number;
}

export async function loadWatchSet(configPath: string, env: Env): Promise<LoadedWatchSet | undefined> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch {
    return undefined;
  }
  const { config } = parseConfigText(text, configPath);
  if (config === undefined) return undefined;
  const rootDir = dirname(configPath);
  // the same folders loadProject leaves out of the search
  const cacheDir = resolve(rootDir, env.KIEAUDIO_CACHE_DIR?.trim() || config.cacheDir);
  const ignoreDirs = [cacheDir, join(rootDir, STATE_DIR_NAME)];
  const include = config.include ?? [];
  const { files } = await discoverSpecFiles({ rootDir, include, ignoreDirs, excludeFiles: [configPath], configFileName: CONFIG_FILE_NAME });
  // a translator saving a translations table is a change to rebuild for, like a spec file's
  const watched = [...include, ...localizationSettings(config).translations];
  return { set: createWatchSet({ configPath, rootDir, include: watched, ignoreDirs }), specFiles: files.length };
}

/** Before the config has ever been valid: the config and `.env` only, so its fix is seen. */
export function configOnlyWatchSet(configPath: string): LoadedWatchSet {
  const rootDir = dirname(configPath);
  return { set: createWatchSet({ configPath, rootDir, include: [], ignoreDirs: [join(rootDir, STATE_DIR_NAME)] }), specFiles: 0 };
}
