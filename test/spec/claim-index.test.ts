import { describe, expect, it } from 'vitest';
import { emptyClaimIndex, moveClaimIndex } from '../../src/spec/claim-index.js';
import type { FileRecord } from '../../src/spec/resolve-file.js';
import type { Claim } from '../../src/spec/uniqueness.js';

const locate = () => ({ line: 1, col: 1 });
const claim = (out: string | undefined, id?: string): Claim => ({
  ...(out === undefined ? {} : { out }),
  ...(id === undefined ? {} : { id }),
  explicitId: id !== undefined,
  label: id ?? out ?? '?',
  file: 'a.yaml',
  locate,
  path: [],
});
const record = (...claims: Claim[]): FileRecord => ({ assets: [], claims, outputs: [], sceneFiles: [], sceneIds: [], reports: [] });

describe('claim index', () => {
  it('counts keys claimed twice, folding outs as file systems do, as records come and go', () => {
    const index = emptyClaimIndex();
    const a = record(claim('a.mp3', 'a'), claim('b.mp3', 'b'));
    const b = record(claim('c.mp3', 'c'));
    moveClaimIndex(index, [a, b]);
    expect(index.repeated).toBe(0);

    const clash = record(claim('A.mp3', 'x'), claim(undefined, 'c'));
    moveClaimIndex(index, [a, b, clash]);
    expect(index.repeated).toBe(2);

    moveClaimIndex(index, [a, clash]);
    expect(index.repeated).toBe(1);
    moveClaimIndex(index, [b, clash]);
    expect(index.repeated).toBe(1);
    moveClaimIndex(index, [b]);
    expect(index.repeated).toBe(0);
    expect([...index.outs.keys()]).toEqual(['c.mp3']);
    expect([...index.ids.keys()]).toEqual(['c']);
  });
});
