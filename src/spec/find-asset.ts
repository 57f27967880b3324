/**
 * One asset named on the command line (`kieaudio takes ID`, `pin ID TAKE`): by its id, or by its
 * `out` path. Pure. A name no asset has is a usage error (exit 2) that says what was probably meant.
 */
import { KieaudioError } from '../errors.js';
import type { ResolvedAsset } from '../project.js';
import { didYouMean, suggest } from './suggest.js';

export function findAsset(assets: readonly ResolvedAsset[], name: string): ResolvedAsset {
  const found = assets.find((a) => a.id === name) ?? assets.find((a) => a.out === name);
  if (found !== undefined) return found;
  const meant = suggest(
    name,
    assets.map((a) => a.id),
  );
  throw new KieaudioError('E_USAGE', `no asset has the id or out path "${name}"${didYouMean(meant)}`);
}
