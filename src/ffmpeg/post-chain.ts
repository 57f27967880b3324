/**
 * A post-processing chain as ffmpeg runs it: every level of the config merged (spec/post-merge.ts)
 * and the output format settled. It lives here, below spec/, so that the argument builder
 * (post-args.ts) needs nothing from above; spec's merged chain is this type.
 */

export const POST_FORMATS = ['wav', 'ogg', 'mp3', 'flac'] as const;
export type PostFormat = (typeof POST_FORMATS)[number];

export interface TrimSettings {
  /** below this level, dBFS, is silence */
  thresholdDb: number;
  /** silence kept at each end, at most, ms */
  padMs: number;
}

export interface PostChain {
  /** integrated loudness target, LUFS */
  loudness?: number;
  /** true-peak ceiling, dBTP (with `loudness`) */
  truePeak?: number;
  trim?: TrimSettings;
  fadeInMs?: number;
  fadeOutMs?: number;
  sampleRate?: number;
  channels?: 1 | 2;
  format?: PostFormat;
}

/** A chain ready to run: the format is known (written, or implied by the raw take's `out`). */
export interface ResolvedPostChain extends PostChain {
  format: PostFormat;
}

/** The extension `out` must have for a format. */
export function postExtension(format: PostFormat): string {
  return `.${format}`;
}

/** The format an output path implies, by its extension (case-insensitive), if it is one of them. */
export function postFormatOfPath(path: string): PostFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return POST_FORMATS.find((format) => format === ext);
}

/** The true peak ceiling when a chain sets loudness but not truePeak, dBTP (EBU R128's maximum permitted level). */
export const DEFAULT_TRUE_PEAK = -1;
