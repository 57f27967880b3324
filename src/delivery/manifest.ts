/**
 * Keeping the manifest files current (the config's `manifest:`). Each build compares what the
 * manifest should say with what the files say and writes only what differs, atomically. Lengths
 * come from post-processing's measurement in the lock, else from the earlier manifest (same
 * SHA-256, same audio), else from decoding the audio (media-facts.ts): so a build that changed
 * nothing reads no audio and writes nothing. With `frozen`, nothing is measured or written: a
 * manifest that is missing or says something else is reported stale.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import pLimit from 'p-limit';
import { KieaudioError, toKieaudioError } from '../errors.js';
import type { Project } from '../project.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { LockFile } from '../store/lock-file.js';
import { pathExists } from '../store/path-exists.js';
import { type ManifestSource, manifestRow, manifestSources } from './manifest-rows.js';
import type { ManifestRow } from './manifest-schema.js';
import { knownDurations, manifestCsv, manifestJson } from './manifest-text.js';
import { createMediaFacts, type MediaFactsStore } from './media-facts.js';

export interface ManifestOptions {
  /** report, never write or measure */
  frozen?: boolean;
  signal?: AbortSignal | undefined;
  /** where lengths are measured and kept (default: the project's cache) */
  media?: MediaFactsStore;
  /** an output left out because its audio cannot be read */
  onWarning?: (warning: { asset: string; message: string }) => void;
}

export interface ManifestResult {
  /** absolute paths of the manifest files written */
  written: string[];
  /** with `frozen`: absolute paths of the manifest files that are missing or out of date */
  stale: string[];
}

interface ManifestFile {
  path: string;
  format: 'json' | 'csv';
  text: string | undefined;
}

/** Decodes at most this many files at once (ffmpeg's own limit is the number of cores). */
const MEASURE_CONCURRENCY = 4;

export async function refreshManifest(project: Project, lock: LockFile, options: ManifestOptions = {}): Promise<ManifestResult> {
  const setting = project.config.manifest;
  if (setting === undefined) return { written: [], stale: [] };
  const files: ManifestFile[] = [];
  if (setting.json !== undefined) files.push({ path: setting.json, format: 'json', text: await readText(setting.json) });
  if (setting.csv !== undefined) files.push({ path: setting.csv, format: 'csv', text: await readText(setting.csv) });
  // one earlier manifest is enough to know the lengths: the JSON, quicker to read, when there is one
  const source = files.find((f) => f.format === 'json' && f.text !== undefined) ?? files.find((f) => f.text !== undefined);
  const known = knownDurations(source?.text, source?.format ?? 'json');

  const rows = await manifestRowsOf(project, lock, known, options);
  if (rows === undefined) return { written: [], stale: files.map((f) => f.path) };
  const changed = files
    .map((file) => ({ ...file, wanted: file.format === 'json' ? manifestJson(rows) : manifestCsv(rows) }))
    .filter((file) => file.wanted !== file.text);
  if (options.frozen) return { written: [], stale: changed.map((f) => f.path) };
  for (const file of changed) {
    try {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFileAtomic(file.path, file.wanted);
    } catch (error) {
      throw toKieaudioError(error, 'E_IO', { action: 'write', path: file.path });
    }
  }
  return { written: changed.map((f) => f.path), stale: [] };
}

/** The rows, or undefined when `frozen` and some length is not known without decoding. */
async function manifestRowsOf(
  project: Project,
  lock: LockFile,
  known: ReadonlyMap<string, number>,
  options: ManifestOptions,
): Promise<ManifestRow[] | undefined> {
  const media = options.media ?? createMediaFacts(project.config.cacheDir);
  const limit = pLimit(MEASURE_CONCURRENCY);
  let unknown = false;
  const measured = await Promise.all(
    manifestSources(project, lock).map((source) =>
      limit(async () => {
        const recorded = lengthWithoutDecoding(source, known);
        if (recorded !== undefined) return manifestRow(project, source, recorded);
        if (options.frozen || !(await pathExists(source.file))) {
          unknown ||= options.frozen === true;
          return undefined;
        }
        const decoded = await lengthByDecoding(media, source, options);
        return decoded === undefined ? undefined : manifestRow(project, source, decoded);
      }),
    ),
  );
  if (unknown) return undefined;
  return measured.filter((row): row is ManifestRow => row !== undefined);
}

/**
 * A file ffmpeg cannot read (replaced by hand with something that is not audio) has no length to
 * give: it is left out of the manifest, with a warning, rather than failing a build whose work is done.
 */
async function lengthByDecoding(media: MediaFactsStore, source: ManifestSource, options: ManifestOptions): Promise<number | undefined> {
  try {
    return (await media.measure(source.entry.contentHash, source.file, options.signal)).durationSeconds;
  } catch (error) {
    if (!(error instanceof KieaudioError) || error.code !== 'E_FFMPEG_FAILED') throw error;
    options.onWarning?.({
      asset: source.asset.id,
      message: `${source.asset.out} is left out of the manifest: ffmpeg cannot read it (${error.message})`,
    });
    return undefined;
  }
}

function lengthWithoutDecoding(source: ManifestSource, known: ReadonlyMap<string, number>): number | undefined {
  const post = source.entry.post?.measured.duration;
  if (post !== undefined) return Math.round(post * 1000) / 1000;
  return known.get(source.entry.contentHash);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toKieaudioError(error, 'E_IO', { action: 'read', path });
  }
}
