/**
 * Pure: the manifest's rows from the project and its lock. A row is an output the lock records at
 * a declared asset's `out` (what kieaudio installed there) for the asset's current spec: an output
 * made for an earlier text (an `--only` build, a failed or held asset) is left out until a build
 * brings it up to date, so that no row pairs a line's new text with its old audio. Its length comes
 * from `durationOf`, which the caller fills from post-processing's measurement, an earlier manifest
 * or the audio.
 */
import { relative } from 'node:path';
import type { Project, ResolvedAsset } from '../project.js';
import { specHashOf } from '../spec/hash.js';
import type { LockEntry, LockFile } from '../store/lock-file.js';
import type { ManifestRow } from './manifest-schema.js';

/** An output the manifest lists, before its length is known. */
export interface ManifestSource {
  asset: ResolvedAsset;
  entry: LockEntry;
  /** absolute path of the audio */
  file: string;
}

export function manifestSources(project: Project, lock: LockFile): ManifestSource[] {
  const sources: ManifestSource[] = [];
  for (const asset of project.assets) {
    const entry = lock.assets[asset.out];
    if (entry !== undefined && entry.specHash === specHashOf(asset))
      sources.push({ asset, entry, file: `${project.config.outDir}/${asset.out}` });
  }
  return sources.sort((a, b) => compareIds(a.asset.id, b.asset.id));
}

/** Code-point order: the same on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function manifestRow(project: Project, source: ManifestSource, durationSeconds: number): ManifestRow {
  const { asset, entry } = source;
  const fromRoot = (outPath: string) => toPosix(relative(project.config.rootDir, `${project.config.outDir}/${outPath}`));
  const subtitles = Object.keys(entry.sidecars ?? {})
    .filter((path) => path.endsWith('.srt') || path.endsWith('.vtt'))
    .sort(compareIds)
    .map(fromRoot);
  const voice = asset.kind === 'voice' ? stringOrNull(asset.input.voice) : null;
  return {
    id: asset.id,
    kind: asset.kind,
    out: fromRoot(asset.out),
    speaker: asset.speaker ?? null,
    language: asset.language ?? null,
    voice,
    text: asset.kind === 'voice' ? (asset.writtenText ?? stringOrNull(asset.input.text)) : null,
    durationSeconds,
    loudnessLufs: entry.post?.measured.loudness ?? null,
    truePeakDb: entry.post?.measured.truePeak ?? null,
    subtitles: subtitles.length > 0 ? subtitles : null,
    sha256: entry.contentHash,
    specHash: entry.specHash,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}
