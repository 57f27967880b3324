/**
 * Finds the spec files a config's `include` globs match. Each positive pattern is globbed on its
 * own so a pattern that matches nothing (usually a typo) can be pointed out.
 */
import { isAbsolute, relative, sep } from 'node:path';
import fg from 'fast-glob';

export interface DiscoverOptions {
  /** absolute; patterns are relative to it */
  rootDir: string;
  include: readonly string[];
  /** absolute folders never searched (the cache and the local state) */
  ignoreDirs: readonly string[];
  /** absolute files never treated as spec files (the config itself, matched by a broad `**\/*.yaml`) */
  excludeFiles: readonly string[];
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
    positive.map(({ pattern }) =>
      fg(pattern, { cwd: options.rootDir, absolute: true, onlyFiles: true, dot: false, ignore, unique: true }),
    ),
  );
  const files = new Set<string>();
  const unmatched: number[] = [];
  for (const [i, matches] of results.entries()) {
    const kept = matches.map(fromGlobPath).filter((file) => !excluded.has(file));
    if (kept.length === 0) unmatched.push(positive[i]?.index ?? i);
    for (const file of kept) files.add(file);
  }
  return { files: [...files].sort(), unmatched };
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
