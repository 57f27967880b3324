/**
 * Every error kieaudio raises on purpose is a KieaudioError with a stable `code`. Library code
 * throws them; only the CLI renders them and turns them into exit codes.
 */
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** Where in a YAML file a problem is. `file` is as the user should see it (relative to cwd). */
export interface SourceLocation {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

/** One validation problem. Validation collects all of them rather than stopping at the first. */
export interface Diagnostic extends SourceLocation {
  severity: 'error' | 'warning';
  /** stable machine code, e.g. `E_RANGE`, `E_UNKNOWN_KEY`, `W_EFFECT_TEXT_LONG` */
  code: string;
  /** asset `id`, or `#<index>` (0-based in its file) when the asset has no usable id */
  asset?: string;
  /** dotted path of the field inside the asset or config, e.g. `stability`, `defaults.voice.speed` */
  field?: string;
  /** what is wrong: says what was expected and what was found */
  message: string;
}

export type ErrorCode =
  | 'E_VALIDATION' // invalid config or spec files (carries diagnostics)
  | 'E_CONFIG_NOT_FOUND'
  | 'E_USAGE' // bad command-line usage
  | 'E_NO_MATCH' // --only matched nothing
  | 'E_NO_API_KEY'
  | 'E_API_AUTH' // 401
  | 'E_API_CREDITS' // 402
  | 'E_API_INPUT' // 422 or validation-like 500: the request itself is wrong
  | 'E_API_RATE_LIMIT' // 429 / 433
  | 'E_API_UNAVAILABLE' // 455, 5xx
  | 'E_API_NOT_FOUND' // 404, or recordInfo is null
  | 'E_API_PROTOCOL' // garbage body, missing fields
  | 'E_API_NOT_KIE' // a web page (HTML) answered: the base URL is not kie's API
  | 'E_API' // any other API error
  | 'E_NETWORK' // connection refused/reset, timeout
  | 'E_API_DOWN' // the outage breaker tripped: the API looks down, nothing more is sent to it
  | 'E_TASK_FAILED' // task ended in state `fail`
  | 'E_TASK_TIMEOUT' // still running after the poll budget; task id kept in the journal
  | 'E_DOWNLOAD' // result could not be fetched or is not a valid file of its format
  | 'E_IO'
  | 'E_LOCK_DAMAGED' // kieaudio.lock cannot be read as a lock (invalid JSON, conflict markers, wrong shape)
  | 'E_LOCKED' // another build holds the project lock
  | 'E_PIN_LOST' // the pinned take's audio is neither in the cache nor fetchable from the API: held for the user's word
  | 'E_MODIFIED' // pin/unpin: the file at `out` was edited by hand or not made by kieaudio (--force replaces it)
  | 'E_FFMPEG_MISSING' // no usable ffmpeg: not found, not executable, or `-version` failed
  | 'E_FFMPEG_FAILED' // ffmpeg ran and failed on an input (non-zero exit, killed, unreadable output)
  | 'E_BUDGET' // the build's estimate is over --max-credits / budget.maxCredits, or submitting more would pass it (exit 4)
  | 'E_ABORTED';

export class KieaudioError extends Error {
  override name = 'KieaudioError';
  readonly code: ErrorCode;
  /** extra context for renderers and JSON output; never contains secrets */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Invalid config or spec input; `diagnostics` holds every problem found (errors and warnings). */
export class ValidationError extends KieaudioError {
  override name = 'ValidationError';
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super('E_VALIDATION', `${errors.length} problem${errors.length === 1 ? '' : 's'} in config or spec files`);
    this.diagnostics = diagnostics;
  }
}

/**
 * An error reported by the kie.ai API, whether it came as an HTTP status or as `code` in a 200
 * body, or a transport failure on the way to it. What steers the build is in typed fields, as
 * undici and execa do: `retryable` is the client's classification, `maybeCreated` marks a create
 * request whose fate is unknown (sent, but no answer), which must never be blindly resent.
 */
export class ApiError extends KieaudioError {
  override name = 'ApiError';
  readonly status: number | undefined;
  readonly apiCode: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /**
   * createTask only (undefined for other calls): true when the request may have created, and
   * billed, a task although no answer said so; false when the server certainly took nothing.
   */
  readonly maybeCreated: boolean | undefined;
  /** recordInfo: the API has no record of the task (unknown to it, or not visible yet) */
  readonly recordMissing: boolean;
  /** a task that failed upstream (failCode 500, not a refusal): nothing was charged, a new task may work */
  readonly transient: boolean;
  /** no HTTP answer came at all (refused, reset, timed out): the server, or the way to it, is not there */
  readonly noResponse: boolean;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions) {
    super(code, message, options);
    this.status = options.status;
    this.apiCode = options.apiCode;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.maybeCreated = options.maybeCreated;
    this.recordMissing = options.recordMissing === true;
    this.transient = options.transient === true;
    this.noResponse = options.noResponse === true;
  }
}

export interface ApiErrorOptions {
  status?: number | undefined;
  apiCode?: number | undefined;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  maybeCreated?: boolean | undefined;
  recordMissing?: boolean;
  transient?: boolean;
  noResponse?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * ffmpeg ran on an input and failed. What steers callers is typed: the exit code (null when a
 * signal ended it) and the last lines ffmpeg wrote to stderr, which say why (the message repeats them).
 */
export class FfmpegError extends KieaudioError {
  override name = 'FfmpegError';
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** the last lines of ffmpeg's stderr, oldest first */
  readonly stderrTail: readonly string[];

  constructor(message: string, options: { exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: readonly string[] }) {
    super('E_FFMPEG_FAILED', message, { details: { exitCode: options.exitCode, signal: options.signal } });
    this.exitCode = options.exitCode;
    this.signal = options.signal;
    this.stderrTail = options.stderrTail;
  }
}

/**
 * The API as configured cannot work at all — the key is refused, or the base URL is not kie's
 * API — so every further request would fail the same way: the whole build stops at the first.
 */
export function stopsBuild(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'E_API_AUTH' || error.code === 'E_API_NOT_KIE');
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The one way an unexpected error becomes a KieaudioError: one already is stays as it is; a file
 * system error becomes one line with the path and a hint (fsErrorMessage); anything else (a bug)
 * gets `code`. The original is kept as `cause`, for --verbose.
 */
export function toKieaudioError(
  error: unknown,
  code: ErrorCode = 'E_IO',
  /** what kieaudio was doing, and the path to name instead of the error's own (a probe's temp file) */
  about: { action?: FsAction; path?: string } = {},
): KieaudioError {
  if (error instanceof KieaudioError) return error;
  const found = errnoFields(error);
  if (found) {
    const fs = about.path === undefined ? found : { ...found, path: about.path };
    return new KieaudioError('E_IO', fsErrorMessage(fs, about.action), {
      cause: error,
      details: { ...(fs.path === undefined ? {} : { path: displayPath(fs.path) }), errno: fs.code, syscall: fs.syscall },
    });
  }
  return new KieaudioError(code, messageOf(error), { cause: error });
}

/** What kieaudio was doing with a path, when the failed system call does not say it plainly. */
export type FsAction = 'read' | 'write' | 'write in' | 'create the folder' | 'remove' | 'list';

interface ErrnoFields {
  code: string;
  syscall: string;
  /**
   * for a rename, the target: the name people know (the source is a temp file); undefined for a
   * write through a file handle, which Node reports without a path
   */
  path: string | undefined;
}

/** The fields of a Node system error (`code` E…, `syscall`, maybe `path`), or undefined for anything else. */
export function errnoFields(error: unknown): ErrnoFields | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as NodeJS.ErrnoException & { dest?: unknown };
  if (typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || typeof e.syscall !== 'string') return undefined;
  const path = typeof e.dest === 'string' ? e.dest : typeof e.path === 'string' ? e.path : undefined;
  return { code: e.code, syscall: e.syscall, path };
}

/**
 * `cannot write .kieaudio/journal/…: permission denied (EACCES); check the folder's permissions`:
 * what failed on which path, in words, with the errno for searching, and what to do about it.
 */
export function fsErrorMessage(fs: ErrnoFields, action?: FsAction): string {
  const temp = fs.path === undefined ? null : TEMP_NAME.exec(basename(fs.path));
  // a temp file is only ever written, and stands for the file it will be renamed to
  const path = temp && fs.path !== undefined ? join(dirname(fs.path), temp[1] ?? '') : fs.path;
  const writing = temp || (fs.syscall === 'open' && OPEN_FOR_WRITING.has(fs.code));
  const verb = action ?? (writing ? 'write' : (VERBS[fs.syscall] ?? 'use'));
  const [what, hint] = ERRNO_WORDS[fs.code] ?? [`failed (${fs.code}, ${fs.syscall})`, undefined];
  const fix = PERMISSION.has(fs.code) ? permissionHint(verb) : fs.code === 'EISDIR' && isReading(verb) ? 'a file was expected there' : hint;
  return `cannot ${verb} ${path === undefined ? 'the file' : displayPath(path)}: ${what}${fix ? `; ${fix}` : ''}`;
}

/** store/atomic-write.ts tempPathFor names temp files `.<name>.<pid>.<token>.kieaudio-tmp`. */
const TEMP_NAME = /^\.(.+)\.\d+\.[0-9a-z]+\.kieaudio-tmp$/;

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  copyfile: 'write',
  rename: 'write',
  fsync: 'write',
  mkdir: 'create the folder',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  scandir: 'list',
  opendir: 'list',
  stat: 'reach',
  lstat: 'reach',
  realpath: 'reach',
  access: 'reach',
};

const PERMISSION = new Set(['EACCES', 'EPERM']);

/** errnos open() gives only to a file opened for writing (a folder, a read-only mount, a full disk) */
const OPEN_FOR_WRITING = new Set(['EISDIR', 'EROFS', 'ENOSPC', 'EDQUOT']);

/** Whose permissions decide: the thing itself when reading, else the folder the write goes in. */
function permissionHint(verb: string): string {
  if (verb === 'create the folder') return 'check the permissions of the folder it goes in';
  return isReading(verb) ? 'check its permissions' : "check the folder's permissions";
}

function isReading(verb: string): boolean {
  return verb === 'read' || verb === 'open' || verb === 'list' || verb === 'reach';
}

/** errno → [what it means, what to do] (permissions: whose, by action; see permissionHint). */
const ERRNO_WORDS: Record<string, [string, string | undefined]> = {
  EACCES: ['permission denied (EACCES)', undefined],
  EPERM: ['operation not permitted (EPERM)', undefined],
  EROFS: ['the file system is read-only (EROFS)', 'run kieaudio where it can write (or use --frozen, which writes nothing)'],
  ENOSPC: ['no space left on the device (ENOSPC)', 'free some space and build again: finished work is kept'],
  EDQUOT: ['disk quota exceeded (EDQUOT)', 'free some space and build again: finished work is kept'],
  EISDIR: ['it is a folder (EISDIR)', 'kieaudio never replaces a folder: move or remove it'],
  ENOTDIR: ['a file is in the way where a folder is needed (ENOTDIR)', 'move or remove that file'],
  EEXIST: ['it already exists (EEXIST)', 'move or remove it'],
  ENOENT: ['it does not exist (ENOENT)', 'was it moved or deleted while kieaudio ran?'],
  EMFILE: ['too many open files (EMFILE)', 'lower --concurrency, or raise the limit (ulimit -n)'],
  ENFILE: ['too many open files on the system (ENFILE)', 'lower --concurrency, or close other programs'],
  EIO: ['input/output error (EIO)', 'the disk or network file system failed: check it'],
  EBUSY: ['it is busy (EBUSY)', 'close the program that holds it'],
  ENAMETOOLONG: ['the name is too long (ENAMETOOLONG)', 'use a shorter path'],
  ELOOP: ['too many levels of symlinks (ELOOP)', 'check the symlinks on that path'],
};

/** A path as messages show it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return rel === '' ? '.' : outside ? path : rel.split(sep).join('/');
}

/** The abort reason if the signal fired, else a generic E_ABORTED error. */
export function abortError(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason;
  return new KieaudioError('E_ABORTED', 'interrupted');
}
