/**
 * Whether kieaudio can write somewhere, found out before anything is paid for: a few bytes are
 * written to a temp file in the folder and removed again. Permissions, a read-only mount, a full
 * disk or an exhausted quota show up here, as one clean error, instead of after a task was paid
 * for. A folder that does not exist yet is tried through the nearest one that does (it will be
 * made there); nothing is created that outlives the probe.
 */
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoFields, toKieaudioError } from '../errors.js';
import { releaseTemp, tempPathFor } from './atomic-write.js';
import { fsFaultpoint } from './failpoint.js';

/** A block's worth is what a full disk refuses; an empty file often still fits. */
const PROBE_BYTES = Buffer.alloc(4096);

/**
 * Resolves when `path` (a file to be written, or a folder to write in) can be written; otherwise
 * throws an E_IO KieaudioError that names it, with the reason and a hint.
 */
export async function probeWritable(path: string, kind: 'file' | 'folder'): Promise<void> {
  const dir = kind === 'file' ? dirname(path) : path;
  const existing = await nearestFolder(dir);
  const temp = tempPathFor(join(existing, 'write-probe'));
  try {
    const handle = await open(temp, 'wx');
    try {
      fsFaultpoint(dir, 'write');
      await handle.write(PROBE_BYTES);
    } finally {
      await handle.close();
    }
  } catch (error) {
    // the probe's temp name means nothing to anyone: the error names what was to be written
    throw errnoFields(error) ? toKieaudioError(error, 'E_IO', { path, action: kind === 'file' ? 'write' : 'write in' }) : error;
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
    releaseTemp(temp);
  }
}

/** `dir`, or its nearest ancestor that exists. */
async function nearestFolder(dir: string): Promise<string> {
  for (let current = dir; ; current = dirname(current)) {
    try {
      if ((await stat(current)).isDirectory()) return current;
    } catch {
      // not there (yet): its parent is where it would be made
    }
    if (dirname(current) === current) return current;
  }
}
