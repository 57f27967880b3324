/**
 * Effects: a load brought up to date with a few changed spec files without loading again (watch
 * mode; docs/watch.md). Only the files named, and those `include` now finds that the load had not
 * read, are read; each is resolved against the config's unchanged scope and takes its place among
 * the others, so `finishLoad` gives what a full load would: the same Project, the same
 * diagnostics in the same order. What this cannot redo alone — the config, the `.env`, a string or
 * translations table, a change to which patterns match nothing — is undefined: load in full.
 */

import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { findTranslationsFiles } from './find-translations.js';
import { findSpecFiles, type LoadState, type SpecState, specState } from './load-state.js';
import { isStringTable } from './load-tables.js';
import { type LoadTrace, readSpecFiles } from './read-specs.js';

export interface SpecChanges {
  /** absolute paths of the files that changed, appeared or went away */
  paths: ReadonlySet<string>;
  /** some file appeared or went away: `include` is globbed again */
  added: boolean;
}

/** The state with `changes` applied; undefined when only a full load can say. */
export async function updateLoadState(state: LoadState, changes: SpecChanges): Promise<LoadState | undefined> {
  if (!onlySpecFiles(state, changes.paths)) return undefined;
  const discovered = changes.added ? await findSpecFiles(configFileOf(state), state.env) : state.discovered;
  if (discovered.unmatched.join() !== state.discovered.unmatched.join()) return undefined;
  // a translations table that appeared or went away (its glob need not end in .csv) changes the texts
  if (
    changes.added &&
    !isDeepStrictEqual(await findTranslationsFiles(state.rootDir, state.translationGlobs), state.strings.translationFiles)
  )
    return undefined;
  const found = new Set(discovered.files);
  // a string table that appeared or went away unannounced still changes the tables
  for (const path of state.specs.keys()) if (!found.has(path) && isStringTable(path)) return undefined;
  const toRead = discovered.files.filter((path) => changes.paths.has(path) || !state.specs.has(path));
  if (toRead.some(isStringTable)) return undefined;

  const texts = new Map<string, string>();
  const trace: LoadTrace = { read: (path, text) => texts.set(path, text), unmatched: () => undefined };
  const reads = await readSpecFiles(toRead, state.display, { cache: undefined, trace, languages: state.languages });
  // gone since it was globbed: a full load would not list it
  if (reads.some((read) => !texts.has(read.path))) return undefined;
  const fresh = new Map(reads.map((read) => [read.path, read]));
  const specs = new Map<string, SpecState>();
  for (const path of discovered.files) {
    const before = state.specs.get(path);
    const read = fresh.get(path);
    const text = texts.get(path);
    // a save that changed nothing keeps the file's record, and with it its assets as they were
    const same = before !== undefined && (read === undefined || (text !== undefined && before.text === text));
    if (same) specs.set(path, before);
    else if (read !== undefined) specs.set(path, specState(state.scope, read, text));
  }
  // nothing changed: the same state, which finishLoad has resolved already
  if (sameSpecs(state.specs, specs)) return state;
  return { ...state, discovered, specs };
}

function sameSpecs(a: ReadonlyMap<string, SpecState>, b: ReadonlyMap<string, SpecState>): boolean {
  if (a.size !== b.size) return false;
  for (const [path, spec] of b) if (a.get(path) !== spec) return false;
  return true;
}

/** Every path is a YAML spec file the load read or `include` may find; nothing else a load reads. */
function onlySpecFiles(state: LoadState, paths: ReadonlySet<string>): boolean {
  const envPath = join(state.rootDir, '.env');
  const tables = new Set(state.strings.translationFiles);
  for (const path of paths) {
    if (path === state.configPath || path === envPath || isStringTable(path) || tables.has(path)) return false;
  }
  return true;
}

function configFileOf(state: LoadState) {
  return {
    path: state.configPath,
    rootDir: state.rootDir,
    display: state.display(state.configPath),
    content: state.content,
    locate: state.locate,
  };
}
