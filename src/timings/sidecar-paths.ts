/**
 * The files derived from a voice line's audio, beside it: `<out without extension>.timings.json`
 * when it asks for timestamps, and `.srt` / `.vtt` for each subtitle format it asks for. Paths are
 * relative to outDir, like `out`. Pure: plan, build, status and clean all name them from here.
 */
import type { SubtitleFormat } from './formats.js';

export type SidecarKind = 'timings' | SubtitleFormat;

export interface Sidecar {
  kind: SidecarKind;
  /** relative to outDir */
  out: string;
}

const SUFFIX: Readonly<Record<SidecarKind, string>> = { timings: '.timings.json', srt: '.srt', vtt: '.vtt' };

/** What a sidecar's name depends on: whether timestamps are asked for, and which subtitle formats. */
export interface SidecarSpec {
  out: string;
  input: Readonly<Record<string, unknown>>;
  subtitles?: readonly SubtitleFormat[] | undefined;
}

/** The asset's sidecars: timings first, then subtitles in the order srt, vtt. */
export function sidecarsOf(asset: SidecarSpec): Sidecar[] {
  const kinds: SidecarKind[] = [];
  if (asset.input.timestamps === true) kinds.push('timings');
  for (const format of ['srt', 'vtt'] as const) if (asset.subtitles?.includes(format)) kinds.push(format);
  if (kinds.length === 0) return [];
  const stem = stemOf(asset.out);
  return kinds.map((kind) => ({ kind, out: `${stem}${SUFFIX[kind]}` }));
}

/** `out` without its extension (the last dot of its last segment). */
export function stemOf(out: string): string {
  const slash = out.lastIndexOf('/');
  const dot = out.lastIndexOf('.');
  return dot > slash + 1 ? out.slice(0, dot) : out;
}

/** The `.timings.json` among the sidecars a lock entry records (path → SHA-256), if it has one. */
export function recordedTimings(sidecars: Readonly<Record<string, string>> | undefined): { out: string; contentHash: string } | undefined {
  for (const [out, contentHash] of Object.entries(sidecars ?? {})) if (out.endsWith(SUFFIX.timings)) return { out, contentHash };
  return undefined;
}
