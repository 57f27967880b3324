/**
 * Effects: everything one load of a project read and worked out, kept apart until the end so
 * that watch mode can keep it between rebuilds and redo only the part a save changed
 * (load-update.ts). `finishLoad` turns it into the Project — or the ValidationError listing every
 * problem — exactly as one load does: `loadProject` is `loadState` then `finishLoad`.
 */
import { join, posix, resolve } from 'node:path';
import { type Diagnostic, ValidationError } from '../errors.js';
import type { Env, Project, ProjectStrings } from '../project.js';
import { type ClaimIndex, emptyClaimIndex, moveClaimIndex } from './claim-index.js';
import { type ConfigContent, INVALID } from './content.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { discoverSpecFiles } from './discover.js';
import { CONFIG_FILE_NAME } from './find-config.js';
import { findTranslationsFiles } from './find-translations.js';
import { readTranslationsFiles } from './load-tables.js';
import { localizationSettings } from './localization-settings.js';
import { parseConfigText } from './parse.js';
import type { ParseCache } from './parse-cache.js';
import type { Locate } from './position.js';
import { gatherSpecs, type LoadTrace, readSpecFiles, type SpecRead, sourceOf } from './read-specs.js';
import {
  assembleProject,
  createResolveScope,
  type ResolvedSpec,
  type ResolveResult,
  type ResolveScope,
  resolveSpecRecord,
  sortSources,
} from './resolve.js';
import { envCacheDir, STATE_DIR_NAME } from './resolve-config.js';
import type { FileRecord } from './resolve-file.js';
import { findEscapingFolders } from './symlink-check.js';
import { mergeTranslations, plainTranslations } from './translation-set.js';
import { checkUnique } from './uniqueness.js';

/** The spec files `include` found, and a warning for each pattern that finds none. */
export interface Discovered {
  files: string[];
  unmatched: number[];
  diagnostics: Diagnostic[];
}

/** One spec file as the load left it. */
export interface SpecState {
  read: SpecRead;
  /** its text as read (undefined: it could not be read) */
  text: string | undefined;
  /** what resolving it found, when it holds a map */
  record: FileRecord | undefined;
}

export interface LoadState {
  configPath: string;
  rootDir: string;
  env: Env;
  display: (path: string) => string;
  /** the config's own problems, and what it says */
  configDiagnostics: Diagnostic[];
  content: ConfigContent;
  locate: Locate;
  languages: readonly string[];
  discovered: Discovered;
  /** by path, in `discovered.files` order */
  specs: Map<string, SpecState>;
  /** the translations tables' and the merge's problems, in that order */
  tableDiagnostics: Diagnostic[];
  scope: ResolveScope;
  /** without the source language, which string tables may give */
  strings: Omit<ProjectStrings, 'sourceLanguage'>;
  /**
   * the claims of the last set of records assembled, counted: the next set (one file saved) is
   * counted by the records that changed alone. Shared by the states updated from this one (watch)
   * and dropped with them: a one-off load keeps nothing once it is done.
   */
  claims: ClaimIndex;
  /** `localization.translations`: globbed again when files appear or go away (load-update.ts) */
  translationGlobs: readonly string[];
}

export interface ConfigRead {
  configPath: string;
  rootDir: string;
  text: string;
  env: Env;
  display: (path: string) => string;
  parseCache?: ParseCache | undefined;
  trace?: LoadTrace | undefined;
}

/** Reads and resolves every file the config names. Throws a ValidationError only for a config that is not a map. */
export async function loadState(read: ConfigRead): Promise<LoadState> {
  const { configPath, rootDir, env, display } = read;
  const configDisplay = display(configPath);
  const parsedConfig = parseConfigText(read.text, configDisplay);
  const content = parsedConfig.content;
  // not YAML, or not a map: nothing in it says where the spec files are
  if (content === undefined) throw new ValidationError(sortDiagnostics(parsedConfig.diagnostics));
  const locate = parsedConfig.locate;
  const discovered = await findSpecFiles({ path: configPath, rootDir, display: configDisplay, content, locate }, env);
  read.trace?.unmatched(discovered.unmatched);
  const { languages, translations: translationGlobs } = localizationSettings(parsedConfig.config);
  const texts = new Map<string, string>();
  const trace: LoadTrace = {
    read: (path, text) => {
      texts.set(path, text);
      read.trace?.read(path, text);
    },
    unmatched: () => undefined,
  };
  const reads = await readSpecFiles(discovered.files, display, { cache: read.parseCache, trace, languages });
  const { tables } = gatherSpecs(reads);
  const translationFiles = await findTranslationsFiles(rootDir, translationGlobs);
  const translationsFiles = await readTranslationsFiles(translationFiles, display, languages, read.trace?.read);
  const merged = mergeTranslations([...tables.translations, ...translationsFiles.translations]);
  const scope = createResolveScope({
    configPath,
    rootDir,
    configDisplay,
    ...(parsedConfig.config === undefined ? {} : { config: parsedConfig.config }),
    configContent: content,
    configLocate: locate,
    env,
    translations: merged.table,
  });
  const specs = new Map<string, SpecState>();
  for (const one of reads) specs.set(one.path, specState(scope, one, texts.get(one.path)));
  return {
    configPath,
    rootDir,
    env,
    display,
    configDiagnostics: parsedConfig.diagnostics,
    content,
    locate,
    languages,
    discovered,
    specs,
    tableDiagnostics: [...translationsFiles.diagnostics, ...merged.diagnostics],
    scope,
    strings: { translations: plainTranslations(merged.table), notes: Object.fromEntries(tables.notes), translationFiles },
    claims: emptyClaimIndex(),
    translationGlobs,
  };
}

/** A file as read, resolved against the scope. */
export function specState(scope: ResolveScope, read: SpecRead, text: string | undefined): SpecState {
  const source = sourceOf(read);
  return { read, text, record: source === undefined ? undefined : resolveSpecRecord(scope, source) };
}

/** The Project the state describes, with its warnings; or the ValidationError listing every problem. */
export async function finishLoad(state: LoadState): Promise<Project> {
  const { gathered, resolved } = resolvedOf(state);
  const diagnostics: Diagnostic[] = [...state.configDiagnostics, ...state.discovered.diagnostics, ...gathered.diagnostics];
  diagnostics.push(...state.tableDiagnostics, ...resolved.diagnostics);
  // runs alongside every other check; it needs only a valid outDir and the valid outs
  if (state.content.outDir !== INVALID) {
    diagnostics.push(...(await checkSymlinks(resolve(state.rootDir, state.content.outDir), resolved.records)));
  }
  const sorted = sortDiagnostics(diagnostics);
  const project = resolved.project;
  if (project === undefined || hasErrors(sorted)) throw new ValidationError(sorted);
  const sourceLanguage = state.languages[0] ?? gathered.tables.sourceLanguage;
  const strings: ProjectStrings = { ...state.strings, ...(sourceLanguage ? { sourceLanguage } : {}) };
  return { ...project, warnings: sorted, strings };
}

/** What the files resolve to together, worked out once per set of files (a save that changed nothing keeps the set). */
const resolvedSets = new WeakMap<ReadonlyMap<string, SpecState>, { gathered: ReturnType<typeof gatherSpecs>; resolved: ResolveResult }>();

function resolvedOf(state: LoadState): { gathered: ReturnType<typeof gatherSpecs>; resolved: ResolveResult } {
  const known = resolvedSets.get(state.specs);
  if (known !== undefined) return known;
  const gathered = gatherSpecs([...state.specs.values()].map((s) => s.read));
  const resolvedSpecs: ResolvedSpec[] = [];
  for (const spec of state.specs.values()) {
    const source = sourceOf(spec.read);
    if (source !== undefined && spec.record !== undefined) resolvedSpecs.push({ source, record: spec.record });
  }
  const sorted = sortSources(resolvedSpecs.map((s) => ({ ...s, path: s.source.path })));
  const result = { gathered, resolved: assembleProject(state.scope, sorted, (records) => checkClaimsKept(state.claims, records)) };
  resolvedSets.set(state.specs, result);
  return result;
}

/** Uniqueness over the records, counted from the last set's (correct for any two sets, however unrelated). */
function checkClaimsKept(claimIndex: ClaimIndex, records: readonly FileRecord[]): Diagnostic[] {
  moveClaimIndex(claimIndex, records);
  return claimIndex.repeated === 0 ? [] : checkUnique(records.flatMap((r) => r.claims));
}

/** The config file as far as finding the spec files needs it. */
interface ConfigFile {
  /** absolute */
  path: string;
  /** absolute: the config's folder */
  rootDir: string;
  display: string;
  content: ConfigContent;
  locate: Locate;
}

/** The spec files `include` finds, and a warning for each pattern that finds none. */
export async function findSpecFiles(config: ConfigFile, env: Env): Promise<Discovered> {
  const { content, rootDir } = config;
  // the spec files are found, and checked, whenever what finds them is valid, even if the rest of the config is not
  const include = content.include === INVALID ? undefined : (content.include ?? []);
  const cacheSetting = envCacheDir(env) ?? (content.cacheDir === INVALID ? undefined : content.cacheDir);
  if (include === undefined || cacheSetting === undefined) return { files: [], unmatched: [], diagnostics: [] };
  const discovered = await discoverSpecFiles({
    rootDir,
    include,
    ignoreDirs: [resolve(rootDir, cacheSetting), join(rootDir, STATE_DIR_NAME)],
    excludeFiles: [config.path],
    configFileName: CONFIG_FILE_NAME,
  });
  const diagnostics = discovered.unmatched.map(
    (index): Diagnostic => ({
      file: config.display,
      ...config.locate(['include', index]),
      severity: 'warning',
      code: 'W_INCLUDE_UNMATCHED',
      field: `include.${index}`,
      message: `include pattern ${JSON.stringify(include[index])} matches no files`,
    }),
  );
  return { files: discovered.files, unmatched: discovered.unmatched, diagnostics };
}

/** The distinct folders of one record's outputs: a record not re-resolved is not walked again. */
const foldersOf = new WeakMap<FileRecord, string[]>();

function recordFolders(record: FileRecord): string[] {
  let folders = foldersOf.get(record);
  if (folders === undefined) {
    folders = [...new Set(record.outputs.map((o) => posix.dirname(o.out)))];
    foldersOf.set(record, folders);
  }
  return folders;
}

async function checkSymlinks(outDir: string, records: readonly FileRecord[]): Promise<Diagnostic[]> {
  const folderOf = (out: string) => posix.dirname(out);
  const escapes = await findEscapingFolders(outDir, new Set(records.flatMap(recordFolders)));
  if (escapes.size === 0) return [];
  const diagnostics: Diagnostic[] = [];
  for (const output of records.flatMap((r) => r.outputs)) {
    const escaping = escapes.get(folderOf(output.out));
    if (escaping === undefined) continue;
    diagnostics.push({
      file: output.file,
      ...output.locate([...output.path, 'out']),
      severity: 'error',
      code: 'E_OUT_ESCAPES',
      asset: output.id ?? output.label,
      field: 'out',
      message: `out: expected a path inside outDir, found ${JSON.stringify(output.out)}, which leaves outDir through a symlink: "${escaping.folder}" leads to ${escaping.realPath}, outside ${outDir}`,
    });
  }
  return diagnostics;
}
