/**
 * Effects: finds the config, globs and reads the spec files, and hands the text to the pure
 * parse and resolve steps. Loading either returns a Project (with warnings) or throws one
 * ValidationError that lists every problem in every file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { type Diagnostic, toKieaudioError, ValidationError } from '../errors.js';
import type { Env, Project, ProjectStrings } from '../project.js';
import { type ConfigContent, INVALID } from './content.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { discoverSpecFiles } from './discover.js';
import { CONFIG_FILE_NAME, findConfig } from './find-config.js';
import { findTranslationsFiles } from './find-translations.js';
import { readTranslationsFiles } from './load-tables.js';
import { localizationSettings } from './localization-settings.js';
import { parseConfigText } from './parse.js';
import type { ParseCache } from './parse-cache.js';
import type { Locate } from './position.js';
import { type Output, resolveProject } from './resolve.js';
import { envCacheDir, STATE_DIR_NAME } from './resolve-config.js';
import { findEscapingFolders } from './symlink-check.js';
import { mergeTranslations, plainTranslations } from './translation-set.js';

export { CONFIG_FILE_NAME, findConfig } from './find-config.js';

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

/** Relative to cwd with forward slashes, as users see and type paths. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === '' ? path : rel).split(sep).join('/');
}
