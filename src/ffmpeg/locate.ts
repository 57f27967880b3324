/**
 * Which ffmpeg kieaudio runs, and its version. `KIEAUDIO_FFMPEG` (a path) wins outright; else an
 * ffmpeg on PATH that is newer than the one npm installed with kieaudio (`@ffmpeg-installer/ffmpeg`)
 * takes over; else that one. The version is part of what derived outputs are keyed by, so it is
 * read from the binary itself (`ffmpeg -version`), once per binary per process.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { abortError, errnoFields, KieaudioError, messageOf } from '../errors.js';
import { compareFfmpegVersions, describeFfmpegVersion, type FfmpegVersion, parseFfmpegVersion } from './version.js';

export type FfmpegSource = 'KIEAUDIO_FFMPEG' | 'PATH' | 'npm';

export interface FfmpegBinary {
  path: string;
  version: FfmpegVersion;
  /** where it was found */
  source: FfmpegSource;
}

export interface LocateOptions {
  /** the environment to read KIEAUDIO_FFMPEG and PATH from (default: process.env) */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export const FFMPEG_ENV = 'KIEAUDIO_FFMPEG';
const FIX = `set ${FFMPEG_ENV} to the path of an ffmpeg executable, or reinstall kieaudio (npm ci) to restore the one it ships with`;
/** `-version` answers at once; a binary that does not within this long is not a usable ffmpeg */
const VERSION_TIMEOUT_MS = 15_000;

export async function locateFfmpeg(options: LocateOptions = {}): Promise<FfmpegBinary> {
  const env = options.env ?? process.env;
  return untilAborted(chooseFfmpeg(env), options.signal);
}

async function chooseFfmpeg(env: NodeJS.ProcessEnv): Promise<FfmpegBinary> {
  const override = env[FFMPEG_ENV];
  if (override !== undefined && override !== '') {
    return { path: override, version: await readFfmpegVersion(override, FFMPEG_ENV), source: 'KIEAUDIO_FFMPEG' };
  }
  const [npm, onPath] = await Promise.all([npmFfmpeg().then(ok, failed), pathFfmpeg(env.PATH ?? '')]);
  if (!npm.ok || npm.value === undefined) {
    if (onPath !== undefined) return onPath;
    if (!npm.ok) throw npm.error;
    throw new KieaudioError('E_FFMPEG_MISSING', `no ffmpeg found: the one installed with kieaudio is missing and none is on PATH; ${FIX}`);
  }
  const newer = onPath !== undefined && (compareFfmpegVersions(onPath.version, npm.value.version) ?? 0) > 0;
  return newer ? onPath : npm.value;
}

/**
 * Every file whose contents decide which ffmpeg chooseFfmpeg picks and what version it reports:
 * the override alone, else the npm binary and each `ffmpeg` on PATH (present or not).
 */
export async function ffmpegCandidates(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const override = env[FFMPEG_ENV];
  if (override !== undefined && override !== '') return [override];
  const name = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const onPath = (env.PATH ?? '').split(delimiter).flatMap((dir) => (dir === '' ? [] : [join(dir, name)]));
  try {
    return [(await import('@ffmpeg-installer/ffmpeg')).default.path, ...onPath];
  } catch {
    return onPath;
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const ok = <T>(value: T): Settled<T> => ({ ok: true, value });
const failed = (error: unknown): Settled<never> => ({ ok: false, error });

/** The binary `@ffmpeg-installer/ffmpeg` installed, or undefined when it has none for this platform. */
async function npmFfmpeg(): Promise<FfmpegBinary | undefined> {
  let path: string;
  try {
    // the package throws (a string) at import when its binary is missing: imported only here
    path = (await import('@ffmpeg-installer/ffmpeg')).default.path;
  } catch {
    return undefined;
  }
  return { path, version: await readFfmpegVersion(path, '@ffmpeg-installer/ffmpeg'), source: 'npm' };
}

/** The first executable `ffmpeg` on PATH that answers `-version`; a broken one is passed over. */
async function pathFfmpeg(searchPath: string): Promise<FfmpegBinary | undefined> {
  const name = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    const executable = await access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!executable) continue;
    try {
      return { path, version: await readFfmpegVersion(path, 'PATH'), source: 'PATH' };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const versions = new Map<string, Promise<FfmpegVersion>>();

/**
 * The version of the ffmpeg at `path`, read once per process (a failure is not remembered).
 * `from` names where the path came from, for the message when it is not a usable ffmpeg.
 */
export function readFfmpegVersion(path: string, from: string): Promise<FfmpegVersion> {
  let version = versions.get(path);
  if (version === undefined) {
    version = runVersion(path, from);
    versions.set(path, version);
    version.catch(() => versions.delete(path));
  }
  return version;
}

function runVersion(path: string, from: string): Promise<FfmpegVersion> {
  return new Promise((resolve, reject) => {
    execFile(path, ['-version'], { timeout: VERSION_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      const version = error === null ? parseFfmpegVersion(String(stdout)) : undefined;
      if (version !== undefined) resolve(version);
      else reject(unusable(path, from, error === null ? 'its -version output is not ffmpeg’s' : whyFailed(error, String(stderr))));
    });
  });
}

function whyFailed(error: Error, stderr: string): string {
  const errno = errnoFields(error)?.code ?? (error as NodeJS.ErrnoException).code;
  if (errno === 'ENOENT') return 'not found';
  if (errno === 'EACCES' || errno === 'EPERM') return 'not executable (permission denied)';
  const said = stderr.trim().split('\n').at(-1)?.trim();
  const exit =
    typeof errno === 'number' ? `exit code ${errno}` : ((error as { signal?: string }).signal ?? messageOf(error).split('\n')[0]);
  return `\`-version\` failed (${exit}${said ? `: ${said}` : ''})`;
}

function unusable(path: string, from: string, why: string): KieaudioError {
  const where = from === FFMPEG_ENV ? `${FFMPEG_ENV}=${path}` : `${path} (from ${from})`;
  return new KieaudioError('E_FFMPEG_MISSING', `ffmpeg at ${where} is not usable: ${why}; ${FIX}`, { details: { path } });
}

/** `binary` as one line: path, version and where it came from (`kieaudio --version --verbose`). */
export function describeFfmpeg(binary: FfmpegBinary): string {
  return `ffmpeg ${describeFfmpegVersion(binary.version)} at ${binary.path} (${binary.source === 'npm' ? '@ffmpeg-installer/ffmpeg' : binary.source})`;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
