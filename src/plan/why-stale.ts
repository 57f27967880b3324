/**
 * Why an asset must be restored or generated, for code (`StaleCause`) and for people, and what the
 * change does to a pinned take. Pure.
 */
import type { LockEntry } from '../store/lock-file.js';
import type { OutputState } from '../store/stat-index.js';
import type { AssetFacts, PlanOptions, StaleCause } from './decide.js';
import { describeChange } from './describe-change.js';

/** Why the asset is stale; a change that lets a pinned take go says so, as `--regenerate` does. */
export function whyStale(
  f: AssetFacts,
  entry: LockEntry | undefined,
  output: OutputState,
  options: PlanOptions,
  postChange: string | undefined,
): { cause: StaleCause; text: string } {
  if (options.regenerate) {
    const take = f.pin?.take ?? entry?.pinned;
    const pinned = take === undefined ? '' : ` (releases the pin on take ${take}, which stays in the cache)`;
    return { cause: 'regenerate', text: `--regenerate${pinned}` };
  }
  if (output.exists && (!entry || output.contentHash !== entry.contentHash)) {
    return { cause: 'forced', text: entry ? 'edited by hand, --force' : 'not made by kieaudio, --force' };
  }
  if (!entry) return { cause: 'new', text: 'new' };
  if (entry.specHash !== f.specHash) {
    const change = describeChange(entry, { model: f.asset.model, input: f.asset.input, shaping: f.asset.shaping });
    // a pin holds for the spec it was made for: any change of it (a neighbour's line too) lets it go
    const pinned = entry.pinned === undefined ? '' : ` (releases the pin on take ${entry.pinned}, which stays in the cache)`;
    return { cause: 'changed', text: `${change}${pinned}` };
  }
  if (entry.placeholder && !options.offline) return { cause: 'placeholder', text: 'placeholder from --offline' };
  // the same raw take, processed by another chain or ffmpeg: derived again, for free
  return postChange === undefined || !output.exists ? { cause: 'missing', text: 'output missing' } : { cause: 'changed', text: postChange };
}
