/**
 * Finds the spec files a config's `include` globs match. Each positive pattern is globbed on its
 * own so a pattern that matches nothing (usually a typo) can be pointed out.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import fg from 'fast-glob';

export interface DiscoverOptions {
  /** absolute; patterns are relative to it */
  rootDir: string;
  include: readonly string[];
  /** absolute folders never searched (the cache and the local state) */
  ignoreDirs: readonly string[];
  /** absolute files never treated as spec files (the config itself, matched by a broad `**\/*.yaml`) */
  excludeFiles: readonly string[];
  /**
   * The config file's name: a folder below the root that holds one is another project, whose
   * spec files are its own even where this project's globs match them.
   */
  configFileName: string;
}

export interface Discovered {
  /** absolute, sorted, without duplicates */
  files: string[];
  /** indexes in `include` of the patterns that matched no file */
  unmatched: number[];
}

export async function discoverSpecFiles(options: DiscoverOptions): Promise<Discovered> {
  const negated = options.include.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const ignore = ['**/node_modules/**', ...negated, ...options.ignoreDirs.flatMap((dir) => ignorePattern(options.rootDir, dir))];
  const excluded = new Set(options.excludeFiles);
  const positive = options.include.flatMap((pattern, index) => (pattern.startsWith('!') ? [] : [{ pattern, index }]));
  const results = await Promise.all(
    positive.map(({ pattern }) => fg(pattern, { cwd: options.rootDir, absolute: true, onlyFiles: true, dot: false, ignore, unique: true })),
  );
  const nested = await nestedProjectFolders(options.rootDir, results.flat().map(fromGlobPath), options.configFileName);
  const inNestedProject = (file: string) => {
    for (let dir = dirname(file); dir.length > options.rootDir.length; dir = dirname(dir)) if (nested.has(dir)) return true;
    return false;
  };
  const files = new Set<string>();
  const unmatched: number[] = [];
  for (const [i, matches] of results.entries()) {
    const kept = matches.map(fromGlobPath).filter((file) => !excluded.has(file) && (nested.size === 0 || !inNestedProject(file)));
    if (kept.length === 0) unmatched.push(positive[i]?.index ?? i);
    for (const file of kept) files.add(file);
  }
  return { files: [...files].sort(), unmatched };
}

/**
 * The folders strictly below `rootDir`, on the way to any of `files`, that hold a config of their
 * own. One stat per distinct folder: spec files live in few folders.
 */
async function nestedProjectFolders(rootDir: string, files: readonly string[], configFileName: string): Promise<Set<string>> {
  const folders = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file); dir.length > rootDir.length && !folders.has(dir); dir = dirname(dir)) folders.add(dir);
  }
  const nested = new Set<string>();
  await Promise.all(
    [...folders].map(async (dir) => {
      if ((await stat(join(dir, configFileName)).catch(() => undefined))?.isFile()) nested.add(dir);
    }),
  );
  return nested;
}

/** A glob that skips `dir` when it lies inside the root; folders outside it are never searched anyway. */
function ignorePattern(rootDir: string, dir: string): string[] {
  const rel = relative(rootDir, dir);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return [];
  return [`${fg.escapePath(rel.split(sep).join('/'))}/**`];
}

/** fast-glob answers with forward slashes on every platform. */
function fromGlobPath(file: string): string {
  return sep === '/' ? file : file.split('/').join(sep);
}
