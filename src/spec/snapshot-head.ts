/**
 * What a resolved project came from, and whether it still holds: the stat data of every file it
 * was read from, the sets `include` and `localization.translations` find, the output folders'
 * real paths, and who loaded it (working directory, resolution environment, kieaudio version).
 * The project snapshot (project-snapshot.ts) and the no-op build's stamp (build/up-to-date.ts)
 * are both trusted only while their head holds. It imports only globbing, so the stamp's check
 * does not load the resolver.
 *
 * Stat data can miss an edit made within the file system's timestamp granularity of the head
 * being taken, with the same size ("racy git"). Such files — any whose mtime or ctime falls within
 * RACY_MS of the moment the head was taken — are checked by their content's hash instead.
 */

import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Env } from '../project.js';
import { sha256Hex } from '../store/sha256.js';
import { type DiscoverOptions, discoverSpecFiles } from './discover.js';
import { findTranslationsFiles } from './find-translations.js';
import { RESOLUTION_ENV, STATE_DIR_NAME } from './resolve-config.js';
import { findEscapingFolders } from './symlink-check.js';

/** Bumped when the head's shape or what resolution keeps in a Project changes. */
export const HEAD_VERSION = 3;

const KIEAUDIO_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Coarser than any file system's timestamps (FAT: 2 s). */
export const RACY_MS = 2_000;

/** A file as the head saw it. */
export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** of its text */
  sha256: string;
}

export interface SnapshotHead {
  v: number;
  key: string;
  takenAt: number;
  inputs: FileStamp[];
  /** how `include` found the spec files, and what it found */
  discovery: DiscoverOptions & { files: readonly string[]; unmatched: readonly number[] };
  /** the translations tables' globs and what they found */
  translations: { rootDir: string; globs: readonly string[]; files: readonly string[] };
  /** every output's folder (relative to outDir): none may lead outside it through a symlink */
  outputs: { outDir: string; folders: string[] };
}

/** Who is loading: what, besides the files, the project resolved from. */
export interface SnapshotKey {
  cwd: string;
  configPath: string;
  env: Env;
}

export function keyOf(who: SnapshotKey): string {
  const env = RESOLUTION_ENV.map((name) => [name, who.env[name] ?? null]);
  return sha256Hex(JSON.stringify([HEAD_VERSION, KIEAUDIO_VERSION, who.cwd, who.configPath, env]));
}

/** `.kieaudio/<name>` beside the config. */
export function stateFile(who: Pick<SnapshotKey, 'configPath'>, name: string): string {
  return join(dirname(who.configPath), STATE_DIR_NAME, name);
}

/**
 * True while every file the head came from, and every set it found, is unchanged. A file system
 * error on the way is a "no": loading afresh reports it where it belongs.
 */
export async function headHolds(head: SnapshotHead, who: SnapshotKey): Promise<boolean> {
  try {
    return await holds(head, who);
  } catch {
    return false;
  }
}

async function holds(head: SnapshotHead, who: SnapshotKey): Promise<boolean> {
  if (head.v !== HEAD_VERSION || head.key !== keyOf(who) || !head.inputs.every((input) => stillHolds(input, head.takenAt))) return false;
  const { discovery, translations, outputs } = head;
  const found = await discoverSpecFiles(discovery);
  if (!isDeepStrictEqual(found.files, discovery.files) || !isDeepStrictEqual(found.unmatched, discovery.unmatched)) return false;
  // the translations tables are inputs too: one added or removed is a change
  if (!isDeepStrictEqual(await findTranslationsFiles(translations.rootDir, translations.globs), translations.files)) return false;
  // an output folder that now leads outside outDir is an error the full load reports with its position
  return (await findEscapingFolders(outputs.outDir, new Set(outputs.folders))).size === 0;
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

/** The file's stat data; undefined when there is none to be had (gone, a file where a folder was, no permission). */
function statOf(path: string): { size: number; mtimeMs: number; ctimeMs: number; ino: number } | undefined {
  try {
    const s = statSync(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
  } catch {
    return undefined;
  }
}

/** The sha256 of the file's text, as loading reads it (UTF-8). */
function contentHash(path: string): string | undefined {
  try {
    return sha256Hex(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The file's stamp, if its text is still what loading read; undefined when it changed (or was not read). */
export function stampOf(path: string, readHash: string | undefined): FileStamp | undefined {
  const before = statOf(path);
  const sha256 = contentHash(path);
  if (before === undefined || sha256 === undefined || sha256 !== readHash) return undefined;
  return { path, ...before, sha256 };
}
