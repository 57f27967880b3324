/**
 * Pure: the chain an asset gets. Levels merge key by key like parameters — the asset's `post:`,
 * then its spec file's `post.<kind>`, then the config's — and `none` at a level turns processing
 * off below it: that level and every level under it contribute nothing. A chain with nothing set
 * is no processing. The output format is the chain's `format`, or else the one `out` implies.
 */

import { type PostChain, postExtension, postFormatOfPath, type ResolvedPostChain } from '../ffmpeg/post-chain.js';
import type { AssetKind } from '../project.js';
import { type AssetPostInput, POST_NONE, type PostChainInput, type PostDefaultsInput, TRIM_DEFAULTS } from './post-schema.js';

/** One level's setting for one asset: a chain, `none`, or not set (undefined/null). */
export type PostLevel = AssetPostInput;

/** The level `post:` at the top of a file or config gives an asset of `kind`. */
export function postLevelOf(defaults: PostDefaultsInput, kind: AssetKind): PostLevel {
  if (defaults === undefined || defaults === null) return undefined;
  if (defaults === POST_NONE) return POST_NONE;
  return defaults[kind];
}

const KEYS = ['loudness', 'truePeak', 'trim', 'fadeInMs', 'fadeOutMs', 'sampleRate', 'channels', 'format'] as const;

/** `levels` highest first (asset, file, config): the merged chain, or undefined for no processing. */
export function mergePostLevels(levels: readonly PostLevel[]): PostChain | undefined {
  const merged: Record<string, unknown> = {};
  for (const level of levels) {
    if (level === POST_NONE) break;
    if (level === undefined || level === null) continue;
    for (const key of KEYS) {
      const value = level[key];
      if (merged[key] === undefined && value !== undefined && value !== null) merged[key] = value;
    }
  }
  if (Object.keys(merged).length === 0) return undefined;
  return withTrimDefaults(merged as PostChainInput);
}

function withTrimDefaults(chain: PostChainInput): PostChain {
  const { trim, ...rest } = chain;
  const out: PostChain = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value !== null && value !== undefined) Object.assign(out, { [key]: value });
  }
  if (trim !== undefined && trim !== null) {
    out.trim = { thresholdDb: trim.thresholdDb ?? TRIM_DEFAULTS.thresholdDb, padMs: trim.padMs ?? TRIM_DEFAULTS.padMs };
  }
  return out;
}

export type PostResolution =
  | { kind: 'none' }
  | { kind: 'chain'; chain: ResolvedPostChain }
  /** `field` is the chain key at fault; `message` says what was expected and what was found */
  | { kind: 'problem'; field: 'format' | 'sampleRate'; message: string };

/** The sample rates MP3 (MPEG-1, 2 and 2.5 layer III) can carry. */
export const MP3_SAMPLE_RATES: readonly number[] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

/**
 * The merged chain settled against `out`: `format` and the extension of `out` must agree, and an
 * MP3 must be at a rate MP3 has.
 */
export function resolvePostChain(chain: PostChain | undefined, out: string): PostResolution {
  if (chain === undefined) return { kind: 'none' };
  const resolved = resolveFormat(chain, out);
  if (resolved.kind !== 'chain') return resolved;
  const { format, sampleRate } = resolved.chain;
  if (format === 'mp3' && sampleRate !== undefined && !MP3_SAMPLE_RATES.includes(sampleRate)) {
    const rates = MP3_SAMPLE_RATES.join(', ');
    return { kind: 'problem', field: 'sampleRate', message: `sampleRate: MP3 has no ${sampleRate} Hz; expected one of ${rates}` };
  }
  return resolved;
}

function resolveFormat(chain: PostChain, out: string): PostResolution {
  const implied = postFormatOfPath(out);
  if (chain.format !== undefined) {
    if (implied === chain.format) return { kind: 'chain', chain: { ...chain, format: chain.format } };
    const ext = postExtension(chain.format);
    return {
      kind: 'problem',
      field: 'format',
      message: `format: ${chain.format} writes ${ext} files, so out must end in ${ext}, found "${out}"`,
    };
  }
  if (implied !== undefined) return { kind: 'chain', chain: { ...chain, format: implied } };
  return {
    kind: 'problem',
    field: 'format',
    message: `post-processing writes wav, ogg, mp3 or flac, and "${out}" is none of them: set format, or give out one of those extensions`,
  };
}
