/**
 * Every error kieaudio raises on purpose is a KieaudioError with a stable `code`. Library code
 * throws them; only the CLI renders them and turns them into exit codes.
 */

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
  | 'E_API' // any other API error
  | 'E_NETWORK' // connection refused/reset, timeout
  | 'E_API_DOWN' // the outage breaker tripped: the API looks down, nothing more is sent to it
  | 'E_TASK_FAILED' // task ended in state `fail`
  | 'E_TASK_TIMEOUT' // still running after the poll budget; task id kept in the journal
  | 'E_DOWNLOAD' // result could not be fetched or is not a valid file of its format
  | 'E_IO'
  | 'E_LOCK_DAMAGED' // kieaudio.lock cannot be read as a lock (invalid JSON, conflict markers, wrong shape)
  | 'E_LOCKED' // another build holds the project lock
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

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The one way an unexpected error becomes a KieaudioError: one already is stays as it is;
 * anything else (a file system error, a bug) gets `code` and keeps the original as `cause`.
 */
export function toKieaudioError(error: unknown, code: ErrorCode = 'E_IO'): KieaudioError {
  if (error instanceof KieaudioError) return error;
  return new KieaudioError(code, messageOf(error), { cause: error });
}

/** The abort reason if the signal fired, else a generic E_ABORTED error. */
export function abortError(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason;
  return new KieaudioError('E_ABORTED', 'interrupted');
}
