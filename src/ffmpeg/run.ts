/**
 * Runs ffmpeg as a child process: an argument array, never a shell; at most `concurrency` at once
 * (ffmpeg's audio work is one core each, so the default is the number of cores); an AbortSignal
 * that kills the child. A run settles only after the process has exited, so when it rejects no
 * ffmpeg is still writing: removing a half-written output file is then safe, and is the caller's job.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { abortError, FfmpegError, KieaudioError } from '../errors.js';
import { FFMPEG_ENV } from './locate.js';
import { createCapture } from './tail.js';

export interface RunOptions {
  signal?: AbortSignal;
  /** called once the process has started (after waiting for a free slot), e.g. to report progress */
  onStart?: (pid: number) => void;
}

export interface RunResult {
  /** everything ffmpeg wrote to stdout (`-progress pipe:1`, `-f … pipe:1` output) */
  stdout: string;
  /** the same, as bytes: raw audio written with `-f s16le pipe:1` (pcm.ts) */
  stdoutBytes: Buffer;
  /** what ffmpeg wrote to stderr: all of it, or within `stderrLimit` its beginning and end (tail.ts) */
  stderr: string;
}

export interface FfmpegRunner {
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** processes alive right now */
  readonly running: number;
}

export interface RunnerOptions {
  /** the ffmpeg executable (locate.ts) */
  path: string;
  /** most processes at once (default: the machine's available parallelism) */
  concurrency?: number;
  /** stderr is kept up to this many bytes, its beginning and end (default 256 KiB) */
  stderrLimit?: number;
}

/** Lines of stderr an error message repeats: ffmpeg says what went wrong last. */
const ERROR_LINES = 8;

export function createFfmpegRunner(options: RunnerOptions): FfmpegRunner {
  const limit = pLimit(options.concurrency ?? availableParallelism());
  const stderrLimit = options.stderrLimit ?? 256 * 1024;
  let running = 0;
  const track = (delta: number) => {
    running += delta;
  };
  return {
    run: (args, runOptions = {}) => {
      const { signal } = runOptions;
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<RunResult>((resolve, reject) => {
        let started = false;
        // a run still waiting for a slot settles at once on abort; a started one when its process has exited
        const onAbort = () => {
          if (!started) reject(abortError(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        void limit(async () => {
          if (signal?.aborted) return;
          started = true;
          await spawnFfmpeg(options.path, args, runOptions, stderrLimit, track).then(resolve, reject);
        }).finally(() => signal?.removeEventListener('abort', onAbort));
      });
    },
    get running() {
      return running;
    },
  };
}

function spawnFfmpeg(
  path: string,
  args: readonly string[],
  options: RunOptions,
  stderrLimit: number,
  track: (delta: number) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr = createCapture(stderrLimit);
    const { signal } = options;
    const onAbort = () => child.kill('SIGKILL');
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let spawned = false;
    child.once('spawn', () => {
      spawned = true;
      track(1);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      if (child.pid !== undefined) options.onStart?.(child.pid);
    });
    child.once('error', (error) => {
      // no process came to be (not found, not executable): nothing will close
      if (child.pid === undefined) reject(notStarted(path, error));
    });
    child.once('close', (code, killedBy) => {
      if (spawned) track(-1);
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(abortError(signal));
      else if (code === 0) {
        const bytes = Buffer.concat(stdout);
        resolve({ stdout: bytes.toString('utf8'), stdoutBytes: bytes, stderr: stderr.text() });
      } else reject(failure(code, killedBy, stderr.text()));
    });
  });
}

function notStarted(path: string, error: Error): KieaudioError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable (permission denied)' : error.message;
  return new KieaudioError(
    'E_FFMPEG_MISSING',
    `cannot run ffmpeg at ${path}: ${why}; set ${FFMPEG_ENV} to the path of an ffmpeg executable`,
    {
      cause: error,
      details: { path },
    },
  );
}

function failure(code: number | null, killedBy: NodeJS.Signals | null, stderr: string): FfmpegError {
  const stderrTail = stderr
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-ERROR_LINES);
  const how = code === null ? `was killed (${killedBy ?? 'signal'})` : `exited with code ${code}`;
  const last = stderrTail.at(-1);
  return new FfmpegError(`ffmpeg ${how}${last === undefined ? '' : `: ${last}`}`, { exitCode: code, signal: killedBy, stderrTail });
}
