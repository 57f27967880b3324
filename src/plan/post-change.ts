/**
 * Pure: whether the output at `out` was derived as the asset's `post:` chain asks now, and if not,
 * what changed, for people: "post-processing changed (loudness -23 → -18)". The chain is not in
 * the spec hash, so a change here re-derives from the raw take and never costs a generation.
 */
import type { ResolvedPostChain } from '../ffmpeg/post-chain.js';
import type { ResolvedAsset } from '../project.js';
import { canonicalJson } from '../store/canonical-json.js';
import type { LockEntry, LockPost } from '../store/lock-file.js';

/** The lock's chain is the asset's. */
export function samePostChain(recorded: LockPost | undefined, chain: ResolvedPostChain | undefined): boolean {
  if (recorded === undefined || chain === undefined) return recorded === chain;
  return canonicalJson(recorded.chain) === canonicalJson(chain);
}

/**
 * What changed between the lock entry's processing and the asset's, undefined when nothing did.
 * `ffmpeg` is the build's (version.ts: ffmpegIdentity); undefined when it could not be found, and
 * then only the chain is compared (the build reports the missing ffmpeg).
 */
export function describePostChange(entry: LockEntry, asset: Pick<ResolvedAsset, 'post'>, ffmpeg: string | undefined): string | undefined {
  const recorded = entry.post;
  const chain = asset.post;
  if (recorded === undefined && chain === undefined) return undefined;
  if (recorded === undefined) return 'post-processing added';
  if (chain === undefined) return 'post-processing removed';
  if (!samePostChain(recorded, chain)) return `post-processing changed (${chainDiff(recorded.chain, chain)})`;
  if (ffmpeg !== undefined && recorded.ffmpeg !== ffmpeg) return `ffmpeg changed (${recorded.ffmpeg} → ${ffmpeg})`;
  return undefined;
}

/** "loudness -23 → -18, format wav → ogg": the keys whose values differ, in the chain's order. */
function chainDiff(before: Readonly<Record<string, unknown>>, after: ResolvedPostChain): string {
  const now: Readonly<Record<string, unknown>> = { ...after };
  const keys = [...new Set([...Object.keys(now), ...Object.keys(before)])];
  const show = (value: unknown) => (value === undefined ? 'unset' : typeof value === 'object' ? canonicalJson(value) : String(value));
  return keys
    .filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(now[key] ?? null))
    .map((key) => `${key} ${show(before[key])} → ${show(now[key])}`)
    .join(', ');
}
