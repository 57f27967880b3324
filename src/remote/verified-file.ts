/**
 * A download from the team cache saved to a new file while it is hashed, so its bytes are checked
 * without being read twice. The caller compares the hash and decides: nothing here trusts it.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function saveVerified(
  body: NodeJS.ReadableStream,
  dest: string,
  signal?: AbortSignal,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(dest, { flags: 'wx' }), signal ? { signal } : {});
  return { sha256: hash.digest('hex'), size };
}
