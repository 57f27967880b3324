/**
 * Which files watch mode cares about: the config, the `.env` beside it, and every file the
 * config's `include` globs match, now or once it is created. chokidar 5 has no globs, so this
 * turns the globs into folders to watch, a filter that prunes folders no pattern can reach, and a
 * test for single paths. Pure: the config is parsed by the caller.
 */
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

export interface WatchSetInput {
  /** absolute */
  configPath: string;
  /** absolute: the config's folder, which include patterns are relative to */
  rootDir: string;
  include: readonly string[];
  /** absolute folders never looked into (the cache, the local state) */
  ignoreDirs: readonly string[];
}

export interface WatchSet {
  /** absolute paths to hand to the watcher: the config's folder and any pattern base outside it */
  roots: string[];
  /** a file whose creation, change or deletion means a rebuild */
  matches(path: string): boolean;
  /** for the watcher's filter: folders no pattern can reach, and files that never matter */
  ignores(path: string, kind?: 'file' | 'dir'): boolean;
  /** equal keys watch the same files: a config edit that keeps it needs no new watcher */
  key: string;
}

export function createWatchSet(input: WatchSetInput): WatchSet {
  const { configPath, rootDir } = input;
  const envPath = join(rootDir, '.env');
  const patterns = input.include.map((p) => p.replace(/^\.\//, ''));
  const positive = patterns.filter((p) => !p.startsWith('!'));
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\.\//, ''));
  // fast-glob (which finds the spec files) skips dot files and folders unless a pattern names them
  const included = positive.length > 0 ? picomatch(positive, { dot: false }) : () => false;
  const excluded = negative.length > 0 ? picomatch(negative, { dot: false }) : () => false;
  const bases = positive.map((p) => toPosix(picomatch.scan(p).base));
  const ignoreDirs = input.ignoreDirs.map((d) => resolve(d));

  const rel = (path: string) => toPosix(relative(rootDir, path));
  const insideIgnored = (path: string) => ignoreDirs.some((dir) => path === dir || path.startsWith(dir + sep));

  const reachable = (path: string): boolean => {
    const r = rel(path);
    if (r === '') return true;
    if (r.split('/').includes('node_modules')) return false;
    return bases.some((base) => {
      // on the way down to a pattern's base: needed even if it is a dot folder the pattern names
      if (base === r || base.startsWith(`${r}/`)) return true;
      // below a base: any folder, except dot folders (which `**` does not enter)
      const below = base === '' ? r : r.startsWith(`${base}/`) ? r.slice(base.length + 1) : undefined;
      return below !== undefined && !below.split('/').some((segment) => segment.startsWith('.'));
    });
  };

  const matches = (path: string): boolean => {
    if (path === configPath || path === envPath) return true;
    if (insideIgnored(path)) return false;
    const r = rel(path);
    return included(r) && !excluded(r) && !r.split('/').includes('node_modules');
  };

  const outside = [...new Set(bases.filter((b) => b === '..' || b.startsWith('../')).map((b) => resolve(rootDir, b)))];
  return {
    roots: [rootDir, ...outside],
    matches,
    ignores(path, kind) {
      if (insideIgnored(path)) return true;
      if (kind === 'dir') return !reachable(path);
      if (kind === 'file') return !matches(path);
      return false;
    },
    key: JSON.stringify({ configPath, include: patterns, ignoreDirs }),
  };
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
