/**
 * The key of a derived output in `<cacheDir>/derived` (build/process.ts): the raw take's content,
 * the chain, the ffmpeg build, and POST_VERSION. Here, below plan/ and build/, because both need
 * it: the build to store and find outputs, the plan to recognise one already at `out`.
 */
import type { ResolvedPostChain } from '../ffmpeg/post-chain.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './sha256.js';

/** Changes whenever ffmpeg/post-args.ts changes what it produces: every derived output is made again. */
export const POST_VERSION = 1;

export function derivedKey(raw: string, chain: ResolvedPostChain | Readonly<Record<string, unknown>>, ffmpeg: string): string {
  return sha256Hex(canonicalJson({ v: POST_VERSION, raw, chain, ffmpeg }));
}
