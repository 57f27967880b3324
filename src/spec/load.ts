/**
 * Effects: finds the config, globs and reads the spec files, and hands the text to the pure
 * parse and resolve steps. Loading either returns a Project (with warnings) or throws one
 * ValidationError that lists every problem in every file.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { type Diagnostic, KieaudioError, toKieaudioError, ValidationError } from '../errors.js';
import type { Env, Project, ProjectStrings } from '../project.js';
import { type ConfigContent, INVALID } from './content.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { discoverSpecFiles } from './discover.js';
import { findTranslationsFiles, readTranslationsFiles } from './load-tables.js';
import { localizationSettings } from './localization-settings.js';
import { parseConfigText } from './parse.js';
import type { ParseCache } from './parse-cache.js';
import type { Locate } from './position.js';
import { type Output, resolveProject } from './resolve.js';
import { envCacheDir, STATE_DIR_NAME } from './resolve-config.js';
import { findEscapingFolders } from './symlink-check.js';
import { mergeTranslations, plainTranslations } from './translation-set.js';

export const CONFIG_FILE_NAME = 'kieaudio.config.yaml';

/**
 * The config file to use: `explicit` (a file, or a folder holding kieaudio.config.yaml) resolved
 * against `cwd`, else the nearest kieaudio.config.yaml in `cwd` or a folder above it.
 */
export async function findConfig(cwd: string, explicit?: string): Promise<string> {
  const start = resolve(cwd);
  if (explicit !== undefined) {
    const path = resolve(start, explicit);
    const kind = await fileKind(path);
    if (kind === 'file') return path;
    if (kind === 'dir' && (await fileKind(join(path, CONFIG_FILE_NAME))) === 'file') return join(path, CONFIG_FILE_NAME);
    throw new KieaudioError(
      'E_CONFIG_NOT_FOUND',
      kind === 'dir'
        ? `no ${CONFIG_FILE_NAME} in ${explicit} (given by --config)`
        : `config file ${explicit} (given by --config) does not exist`,
      { details: { path } },
    );
  }
  for (let dir = start; ; ) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if ((await fileKind(candidate)) === 'file') return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new KieaudioError(
    'E_CONFIG_NOT_FOUND',
    `no ${CONFIG_FILE_NAME} found in ${start} or any folder above it; run \`kieaudio init\` to create one, or pass --config PATH`,
    { details: { cwd: start } },
  );
}

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

import { type LoadTrace, readSpecs } from './read-specs.js';

export async function loadProject(options: LoadOptions): Promise<Project> {
  const cwd = resolve(options.cwd);
  const env = options.env ?? process.env;
  const configPath = await findConfig(cwd, options.configPath);
  const rootDir = dirname(configPath);
  const display = (path: string) => displayPath(cwd, path);
  const configDisplay = display(configPath);

  const configText = await readConfig(configPath);
  options.trace?.read(configPath, configText);
  const parsedConfig = parseConfigText(configText, configDisplay);
  const content = parsedConfig.content;
  // not YAML, or not a map: nothing in it says where the spec files are
  if (content === undefined) throw new ValidationError(sortDiagnostics(parsedConfig.diagnostics));
  const diagnostics: Diagnostic[] = [...parsedConfig.diagnostics];

  const discovered = await findSpecFiles({ path: configPath, rootDir, display: configDisplay, content, locate: parsedConfig.locate }, env);
  diagnostics.push(...discovered.diagnostics);
  options.trace?.unmatched(discovered.unmatched);
  const { languages, translations: translationGlobs } = localizationSettings(parsedConfig.config);
  const read = await readSpecs(discovered.files, display, { cache: options.parseCache, trace: options.trace, languages });
  diagnostics.push(...read.diagnostics);
  const translationFiles = await findTranslationsFiles(rootDir, translationGlobs);
  const translationsFiles = await readTranslationsFiles(translationFiles, display, languages, options.trace?.read);
  diagnostics.push(...translationsFiles.diagnostics);
  const merged = mergeTranslations([...read.tables.translations, ...translationsFiles.translations]);
  diagnostics.push(...merged.diagnostics);

  const resolved = resolveProject({
    configPath,
    rootDir,
    configDisplay,
    ...(parsedConfig.config === undefined ? {} : { config: parsedConfig.config }),
    configContent: content,
    configLocate: parsedConfig.locate,
    env,
    specs: read.specs,
    translations: merged.table,
  });
  diagnostics.push(...resolved.diagnostics);
  const sourceLanguage = languages[0] ?? read.tables.sourceLanguage;
  const strings: ProjectStrings = {
    translations: plainTranslations(merged.table),
    notes: Object.fromEntries(read.tables.notes),
    ...(sourceLanguage ? { sourceLanguage } : {}),
    translationFiles,
  };

  // runs alongside every other check; it needs only a valid outDir and the valid outs
  if (content.outDir !== INVALID) {
    diagnostics.push(...(await checkSymlinks(resolve(rootDir, content.outDir), resolved.outputs)));
  }
  const sorted = sortDiagnostics(diagnostics);
  const project = resolved.project;
  if (project === undefined || hasErrors(sorted)) throw new ValidationError(sorted);
  return { ...project, warnings: sorted, strings };
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
async function findSpecFiles(config: ConfigFile, env: Env): Promise<{ files: string[]; unmatched: number[]; diagnostics: Diagnostic[] }> {
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

async function checkSymlinks(outDir: string, outputs: readonly Output[]): Promise<Diagnostic[]> {
  const folderOf = (out: string) => posix.dirname(out);
  const escapes = await findEscapingFolders(
    outDir,
    outputs.map((o) => folderOf(o.out)),
  );
  if (escapes.size === 0) return [];
  const diagnostics: Diagnostic[] = [];
  for (const output of outputs) {
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

async function readConfig(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw toKieaudioError(error, 'E_IO', { action: 'read', path });
  }
}

async function fileKind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

/** Relative to cwd with forward slashes, as users see and type paths. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === '' ? path : rel).split(sep).join('/');
}
