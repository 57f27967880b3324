/**
 * Names on the team cache: blobs by the sha256 of their bytes, records by the sha256 of the local
 * cache key they stand for (a spec hash, or a derived output's key), as Bazel's HTTP cache names them.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
