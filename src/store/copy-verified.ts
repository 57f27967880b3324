import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { installAtomically } from './atomic-write.js';

/**
 * Copies `source` to `dest` atomically, hashing on the way; installs it only if its SHA-256 is
 * `expectedHash`. Returns the size, or undefined (and installs nothing) on a mismatch. A file that
 * changed since it was recorded must never be spread to other outputs.
 */
export async function copyVerified(
  source: string,
  dest: string,
  expectedHash: string,
  signal?: AbortSignal,
  /** fsync the file and its folder; off for copies that can be made again from a durable source */
  durable = true,
): Promise<number | undefined> {
  let size = 0;
  const installed = await installAtomically(
    dest,
    async (temp) => {
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(createReadStream(source), hashing, createWriteStream(temp, { flush: durable }), { signal });
      return hash.digest('hex') === expectedHash;
    },
    { durable },
  );
  return installed ? size : undefined;
}
