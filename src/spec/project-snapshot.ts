/**
 * The resolved project as the last full load left it, trusted while the stat data of every file
 * it came from is unchanged — as git's index and ninja's deps log decide from stat data alone. A
 * no-op build then reads no spec file, validates nothing and hashes no spec.
 *
 * What resolution depends on is keyed: the config, every spec file `include` found and every
 * translations table `localization.translations` found (by stat data), the sets both find now
 * (globbed again on every load), the working directory (diagnostics show paths relative to it),
 * the environment variables resolution reads (from the environment or the `.env` beside the
 * config: by value), and the kieaudio version with this file's format version. The cast, lexicon, defaults and post chains a file depends on live in the
 * config or in that file.
 *
 * Stat data can miss an edit made within the file system's timestamp granularity of the snapshot
 * being taken, with the same size ("racy git"). Such files — any whose mtime or ctime falls within
 * RACY_MS of the moment the snapshot was taken — are checked by their content's hash instead.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Env, Project } from '../project.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { sha256Hex } from '../store/sha256.js';
import { discoverSpecFiles } from './discover.js';
import { primeSpecHash, specHashOf } from './hash.js';
import { CONFIG_FILE_NAME } from './load.js';
import { findTranslationsFiles } from './load-tables.js';
import { RESOLUTION_ENV } from './resolve-config.js';
import { findEscapingFolders } from './symlink-check.js';

export const SNAPSHOT_FILE = 'project-snapshot.json';

/** Bumped when the snapshot's shape or what resolution keeps in a Project changes. */
const SNAPSHOT_VERSION = 2;

const KIEAUDIO_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Coarser than any file system's timestamps (FAT: 2 s). */
const RACY_MS = 2_000;

/** A file as the snapshot saw it. */
interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** of its text */
  sha256: string;
}

interface SnapshotData {
  v: number;
  key: string;
  takenAt: number;
  inputs: FileStamp[];
  /** indexes in `include` that matched nothing, as discovery reported them */
  unmatched: number[];
  project: Project;
  /** each asset's spec hash, in `project.assets` order */
  hashes: string[];
}

/** Who is loading: what, besides the files, the project resolved from. */
export interface SnapshotKey {
  cwd: string;
  configPath: string;
  env: Env;
}

function keyOf(who: SnapshotKey): string {
  const env = RESOLUTION_ENV.map((name) => [name, who.env[name] ?? null]);
  return sha256Hex(JSON.stringify([SNAPSHOT_VERSION, KIEAUDIO_VERSION, who.cwd, who.configPath, env]));
}

function pathOf(who: SnapshotKey): string {
  return join(dirname(who.configPath), '.kieaudio', SNAPSHOT_FILE);
}

/** The project, if the snapshot still holds for every input; undefined means "load it". */
export async function projectFromSnapshot(who: SnapshotKey): Promise<Project | undefined> {
  let data: SnapshotData;
  try {
    data = JSON.parse(await readFile(pathOf(who), 'utf8')) as SnapshotData;
  } catch {
    return undefined;
  }
  if (data.v !== SNAPSHOT_VERSION || data.key !== keyOf(who) || !data.inputs.every((input) => stillHolds(input, data.takenAt)))
    return undefined;
  const { project } = data;
  const { config } = project;
  const found = await discoverSpecFiles({
    rootDir: config.rootDir,
    include: config.include,
    ignoreDirs: [config.cacheDir, config.stateDir],
    excludeFiles: [config.configPath],
    configFileName: CONFIG_FILE_NAME,
  });
  if (!sameList(found.files, project.specFiles) || !sameList(found.unmatched, data.unmatched)) return undefined;
  // the translations tables are inputs too: one added or removed is a change
  const tables = await findTranslationsFiles(config.rootDir, config.localization.translations);
  if (!sameList(tables, project.strings?.translationFiles ?? [])) return undefined;
  // an output folder that now leads outside outDir is an error the full load reports with its position
  const folders = new Set(project.assets.map((asset) => dirname(asset.out)));
  if ((await findEscapingFolders(config.outDir, folders)).size > 0) return undefined;
  for (const [i, asset] of project.assets.entries()) primeSpecHash(asset, data.hashes[i]);
  return project;
}

function stillHolds(input: FileStamp, takenAt: number): boolean {
  const now = statOf(input.path);
  if (
    now === undefined ||
    now.size !== input.size ||
    now.ino !== input.ino ||
    now.mtimeMs !== input.mtimeMs ||
    now.ctimeMs !== input.ctimeMs
  ) {
    return false;
  }
  const racy = input.mtimeMs >= takenAt - RACY_MS || input.ctimeMs >= takenAt - RACY_MS;
  return !racy || contentHash(input.path) === input.sha256;
}

function statOf(path: string): { size: number; mtimeMs: number; ctimeMs: number; ino: number } | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined ? undefined : { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
}

/** The sha256 of the file's text, as loading reads it (UTF-8). */
function contentHash(path: string): string | undefined {
  try {
    return sha256Hex(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A snapshot of a project just loaded, to be written by a command that writes (`save`). `read`
 * holds the sha256 of each file's text as loading read it: a file changed since is not taken as
 * what the project was resolved from, and the snapshot is not written.
 */
export function takeSnapshot(who: SnapshotKey, project: Project, read: ReadonlyMap<string, string>, unmatched: number[]) {
  // what loading found: the command adds its own warnings later (the .env's), which are not the project's
  const warnings = project.warnings.length;
  return {
    async save(): Promise<void> {
      // before any stat: a file changed within RACY_MS of it is checked by content later
      const takenAt = Date.now();
      const inputs: FileStamp[] = [];
      for (const path of [who.configPath, ...project.specFiles, ...(project.strings?.translationFiles ?? [])]) {
        const stamp = stampOf(path, read.get(path));
        if (stamp === undefined) return;
        inputs.push(stamp);
      }
      // serialized only now, not held through the build: at 10,000 assets it is 6 MB of text
      const json = JSON.stringify({
        project: { ...project, warnings: project.warnings.slice(0, warnings) },
        hashes: project.assets.map(specHashOf),
      });
      const head = JSON.stringify({ v: SNAPSHOT_VERSION, key: keyOf(who), takenAt, inputs, unmatched });
      await writeFileAtomic(pathOf(who), `${head.slice(0, -1)},${json.slice(1)}`, { durable: false });
    },
  };
}

/** The file's stamp, if its text is still what loading read; undefined when it changed (or was not read). */
function stampOf(path: string, readHash: string | undefined): FileStamp | undefined {
  const before = statOf(path);
  const sha256 = contentHash(path);
  if (before === undefined || sha256 === undefined || sha256 !== readHash) return undefined;
  return { path, ...before, sha256 };
}
