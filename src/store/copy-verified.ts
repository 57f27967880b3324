import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { abortError } from '../errors.js';
import { installAtomically } from './atomic-write.js';

/**
 * Bytes read and written at a time. One buffer, reused: a build installs every result it
 * downloads this way, and a stream pipeline per copy (three streams, their buffers, listeners and
 * promises, alive for the whole copy) was a large share of what a build left for the garbage
 * collector's old generation.
 */
const CHUNK_BYTES = 64 * 1024;

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
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const input = await open(source, 'r');
      try {
        const output = await open(temp, 'w');
        try {
          for (;;) {
            if (signal?.aborted) throw abortError(signal);
            const { bytesRead } = await input.read(buffer, 0, CHUNK_BYTES, null);
            if (bytesRead === 0) break;
            hash.update(buffer.subarray(0, bytesRead));
            size += bytesRead;
            for (let done = 0; done < bytesRead; ) done += (await output.write(buffer, done, bytesRead - done)).bytesWritten;
          }
          if (durable) await output.sync();
        } finally {
          await output.close();
        }
      } finally {
        await input.close();
      }
      return hash.digest('hex') === expectedHash;
    },
    { durable },
  );
  return installed ? size : undefined;
}
