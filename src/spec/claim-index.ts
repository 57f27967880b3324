/**
 * Pure: how many claims each output (folded as file systems fold it) and each id has, kept from one
 * set of records to the next by adding and removing only the records that changed. Watch mode
 * checks uniqueness after every save (resolve.ts): with no key claimed twice there is nothing to
 * report, and the full check (uniqueness.ts), which says which claim came first, runs only when
 * some key is.
 */
import type { FileRecord } from './resolve-file.js';
import { foldedOut } from './uniqueness.js';

export interface ClaimIndex {
  /** the records counted */
  records: Set<FileRecord>;
  /** claims per folded output, and per id */
  outs: Map<string, number>;
  ids: Map<string, number>;
  /** keys claimed more than once */
  repeated: number;
}

export function emptyClaimIndex(): ClaimIndex {
  return { records: new Set(), outs: new Map(), ids: new Map(), repeated: 0 };
}

/** Brings `index` (changed in place) to count exactly `records`. */
export function moveClaimIndex(index: ClaimIndex, records: readonly FileRecord[]): void {
  const next = new Set(records);
  for (const record of index.records) if (!next.has(record)) count(index, record, -1);
  for (const record of next) if (!index.records.has(record)) count(index, record, 1);
  index.records = next;
}

function count(index: ClaimIndex, record: FileRecord, by: 1 | -1): void {
  for (const claim of record.claims) {
    if (claim.out !== undefined) bump(index, index.outs, foldedOut(claim, claim.out), by);
    if (claim.id !== undefined) bump(index, index.ids, claim.id, by);
  }
}

function bump(index: ClaimIndex, counts: Map<string, number>, key: string, by: 1 | -1): void {
  const before = counts.get(key) ?? 0;
  const after = before + by;
  if (after === 0) counts.delete(key);
  else counts.set(key, after);
  if (before === 1 && after === 2) index.repeated++;
  if (before === 2 && after === 1) index.repeated--;
}
