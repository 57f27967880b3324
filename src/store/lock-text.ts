/**
 * The text of `kieaudio.lock`, made and written a piece at a time. The whole text of a
 * 10,000-asset lock is 6 MB, with a sorted deep copy of the lock behind it; made in one go at
 * every write of a build, those were the largest things the build allocated, and a build keeps
 * only a digest of what it last wrote instead of the text. The pieces are exactly
 * `JSON.stringify(sortKeys(lock), null, 2)` and a newline: the file does not change.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { installAtomically } from './atomic-write.js';
import { sortKeys } from './canonical-json.js';
import { failpoint } from './failpoint.js';
import type { LockFile } from './lock-file.js';

/** Pieces are gathered into writes of about this many characters. */
const WRITE_CHARS = 64 * 1024;

/** The lock's text, one piece per asset; joined, they are the whole file. */
export function* lockTextPieces(lock: LockFile): Generator<string> {
  yield '{\n';
  yield* recordPieces('assets', lock.assets);
  // scene files only when there are some: a lock of a project without them is as it always was
  if (lock.scenes !== undefined && Object.keys(lock.scenes).length > 0) yield* recordPieces('scenes', lock.scenes);
  yield `  "version": ${JSON.stringify(lock.version)}\n}\n`;
}

/** One top-level map of the lock, a piece per entry, and the comma after it. */
function* recordPieces(name: string, record: Readonly<Record<string, unknown>>): Generator<string> {
  const outs = Object.keys(record).sort();
  if (outs.length === 0) {
    yield `  ${JSON.stringify(name)}: {},\n`;
    return;
  }
  yield `  ${JSON.stringify(name)}: {\n`;
  for (const [i, out] of outs.entries()) {
    // an entry two levels down: its own lines indented by four more spaces (JSON strings hold no
    // raw newline, so every newline in the text is a line break of the layout)
    const entry = JSON.stringify(sortKeys(record[out]), null, 2).replaceAll('\n', '\n    ');
    yield `    ${JSON.stringify(out)}: ${entry}${i < outs.length - 1 ? ',' : ''}\n`;
  }
  yield '  },\n';
}

/** SHA-256 (hex) of a lock's text as read from disk, to compare with what a write would put there. */
export function lockTextDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Writes the lock atomically unless its text would be the one whose digest is `previousDigest`;
 * resolves to the digest of the text now on disk.
 */
export async function writeLockText(path: string, lock: LockFile, previousDigest: string | undefined): Promise<string> {
  const hash = createHash('sha256');
  let digest = previousDigest ?? '';
  await installAtomically(
    path,
    async (temp) => {
      const handle = await open(temp, 'w');
      try {
        for (const text of batched(lockTextPieces(lock))) {
          const bytes = Buffer.from(text, 'utf8');
          hash.update(bytes);
          for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done)).bytesWritten;
        }
        digest = hash.digest('hex');
        if (digest === previousDigest) return false;
        await handle.sync();
      } finally {
        await handle.close();
      }
      return true;
    },
    { beforeRename: () => failpoint('lock-write') },
  );
  return digest;
}

/** `pieces` gathered into strings of about WRITE_CHARS. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= WRITE_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}
