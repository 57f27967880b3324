/**
 * Project-wide uniqueness of `out` and `id`. Outputs are compared ignoring case (and Unicode
 * normalization form) because macOS and Windows file systems fold them: `A.mp3` and `a.mp3`
 * would overwrite each other there.
 */
import type { Diagnostic } from '../errors.js';
import type { DocPath, Locate } from './position.js';

export interface Claim {
  /** normalized out; undefined when the asset's `out` is not valid */
  out?: string;
  /** undefined when the asset's `id` is not valid, or it has neither a valid `id` nor a valid `out` */
  id?: string;
  /** whether `id` was written, or defaulted to `out` */
  explicitId: boolean;
  label: string;
  file: string;
  locate: Locate;
  /** path of the asset in its document */
  path: DocPath;
}

export function checkUnique(claims: Iterable<Claim>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const outs = new Map<string, Claim>();
  const ids = new Map<string, Claim>();
  const where = (claim: Claim, field: string) => {
    const { line } = claim.locate([...claim.path, field]);
    return `${claim.file}:${line}`;
  };
  const report = (claim: Claim, field: 'out' | 'id', code: string, message: string) => {
    diagnostics.push({
      file: claim.file,
      ...claim.locate([...claim.path, field]),
      severity: 'error',
      code,
      asset: claim.label,
      field,
      message: `${field}: ${message}`,
    });
  };

  for (const claim of claims) {
    let firstOut: Claim | undefined;
    if (claim.out !== undefined) {
      const outKey = foldedOut(claim, claim.out);
      firstOut = outs.get(outKey);
      if (firstOut === undefined) {
        outs.set(outKey, claim);
      } else {
        const folded = firstOut.out === claim.out ? '' : ' (outputs are compared ignoring case, as macOS and Windows file systems do)';
        report(
          claim,
          'out',
          'E_DUPLICATE_OUT',
          `expected a unique output path, found ${JSON.stringify(claim.out)}, already the output of asset "${firstOut.label}" at ${where(firstOut, 'out')}${folded}`,
        );
      }
    }

    if (claim.id === undefined) continue;
    const firstId = ids.get(claim.id);
    if (firstId === undefined) {
      ids.set(claim.id, claim);
    } else if (claim.explicitId || firstId.explicitId || firstOut === undefined) {
      // two defaulted ids that clash because their outs clash were reported above already
      const field = claim.explicitId ? 'id' : 'out';
      report(
        claim,
        field,
        'E_DUPLICATE_ID',
        `expected a unique id, found ${JSON.stringify(claim.id)}${claim.explicitId ? '' : ' (the id defaults to out)'}, already the id of the asset at ${where(firstId, firstId.explicitId ? 'id' : 'out')}`,
      );
    }
  }
  return diagnostics;
}

/**
 * A claim's `out` as the file systems that fold case compare it. Kept per claim: watch mode checks
 * the claims of every file again after each save, and most are the very same objects
 * (resolve-file.ts records).
 */
const folded = new WeakMap<Claim, string>();

export function foldedOut(claim: Claim, out: string): string {
  let key = folded.get(claim);
  if (key === undefined) {
    key = out.normalize('NFC').toLowerCase();
    folded.set(claim, key);
  }
  return key;
}
