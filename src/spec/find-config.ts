/**
 * Finding the config file: what every command does first, and all a no-op build's fast path
 * (build/up-to-date.ts) needs of loading, so it imports nothing else.
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KieaudioError } from '../errors.js';

export const CONFIG_FILE_NAME = 'kieaudio.config.yaml';

/**
 * The config file to use: `explicit` (a file, or a folder holding kieaudio.config.yaml) resolved
 * against `cwd`, else the nearest kieaudio.config.yaml in `cwd` or a folder above it.
 */
export async function findConfig(cwd: string, explicit?: string): Promise<string> {
  const start = resolve(cwd);
  if (explicit !== undefined) {
    const path = resolve(start, explicit);
    const kind = await fileKind(path);
    if (kind === 'file') return path;
    if (kind === 'dir' && (await fileKind(join(path, CONFIG_FILE_NAME))) === 'file') return join(path, CONFIG_FILE_NAME);
    throw new KieaudioError(
      'E_CONFIG_NOT_FOUND',
      kind === 'dir'
        ? `no ${CONFIG_FILE_NAME} in ${explicit} (given by --config)`
        : `config file ${explicit} (given by --config) does not exist`,
      { details: { path } },
    );
  }
  for (let dir = start; ; ) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if ((await fileKind(candidate)) === 'file') return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new KieaudioError(
    'E_CONFIG_NOT_FOUND',
    `no ${CONFIG_FILE_NAME} found in ${start} or any folder above it; run \`kieaudio init\` to create one, or pass --config PATH`,
    { details: { cwd: start } },
  );
}

async function fileKind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}
