/**
 * Installs a stream of bytes as a file, all or nothing: the bytes go to a temp file beside
 * `dest`, are fsynced and only then renamed over it, so a download that fails half-way leaves
 * nothing at `dest`. The caller sees the first bytes before anything is written, and may reserve
 * room for a header that is written last (a WAV header whose size is known only at the end).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { abortError, errnoFields, KieaudioError, toKieaudioError } from '../errors.js';
import { installAtomically, namePath } from './atomic-write.js';
import { failpoint } from './failpoint.js';
import { hashFile } from './sha256.js';

export interface StreamFileOptions {
  /** how many leading bytes `start` wants to see (fewer only if the whole stream is shorter) */
  headBytes: number;
  /** given the first bytes: how many bytes to reserve for a header before them (0 for none) */
  start(head: Buffer): number;
  /** given how many bytes followed the reserved ones: the header to write there */
  header?(dataBytes: number): Buffer;
  signal?: AbortSignal | undefined;
}

export interface StreamedFile {
  /** the file's size, header included */
  bytes: number;
  /** sha256 (hex) of the file as written */
  sha256: string;
}

export async function writeStreamAtomic(dest: string, chunks: AsyncIterable<Buffer>, opts: StreamFileOptions): Promise<StreamedFile> {
  let result: StreamedFile | undefined;
  await installAtomically(dest, async (temp) => {
    const file = await io('create a temp file', temp, () => open(temp, 'wx'));
    try {
      result = await fill(file, temp, chunks, opts);
    } finally {
      await file.close().catch(() => undefined);
    }
    if (opts.signal?.aborted) throw abortError(opts.signal);
    return true;
  }).catch((error: unknown) => {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    throw error instanceof KieaudioError ? error : wrap('install the file', dest, error);
  });
  if (result === undefined) throw new KieaudioError('E_IO', `${dest} was not written`);
  return result;
}

async function fill(file: FileHandle, temp: string, chunks: AsyncIterable<Buffer>, opts: StreamFileOptions): Promise<StreamedFile> {
  const hash = createHash('sha256');
  let reserved: number | undefined;
  let head = Buffer.alloc(0);
  let data = 0;
  const write = async (chunk: Buffer) => {
    if (reserved === 0) hash.update(chunk);
    data += chunk.length;
    await io('write', temp, () => file.write(chunk));
  };
  const begin = async () => {
    reserved = opts.start(head);
    if (reserved > 0) await io('write', temp, () => file.write(Buffer.alloc(reserved ?? 0)));
    await write(head);
  };
  for await (const chunk of chunks) {
    if (reserved === undefined) {
      head = Buffer.concat([head, chunk]);
      if (head.length >= opts.headBytes) await begin();
    } else {
      await write(chunk);
      failpoint('mid-download');
    }
  }
  if (reserved === undefined) await begin(); // a stream shorter than headBytes
  const headerBytes = reserved ?? 0;
  if (headerBytes > 0) {
    const header = opts.header?.(data) ?? Buffer.alloc(0);
    await io('write', temp, () => file.write(header, 0, header.length, 0));
  }
  await io('sync', temp, () => file.sync());
  // a header written last sits first: hash the file as it is on disk
  const sha256 = headerBytes === 0 ? hash.digest('hex') : (await io('read back', temp, () => hashFile(temp, opts.signal))).sha256;
  return { bytes: headerBytes + data, sha256 };
}

async function io<T>(what: string, temp: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof KieaudioError) throw error;
    throw wrap(what, temp, error);
  }
}

function wrap(what: string, temp: string, error: unknown): KieaudioError {
  // a disk that fails is said as every file system error is (errors.ts), naming the file
  if (errnoFields(error)) return toKieaudioError(namePath(error, temp));
  return new KieaudioError('E_IO', `download: could not ${what}: ${String(error)}`, { cause: error });
}
