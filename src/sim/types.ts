/**
 * The simulator's public shapes. It imitates kie.ai's job API (docs/kie-api.md) closely enough that
 * the real client runs against it unchanged, and makes the service's failure modes switchable.
 */
import type { AudioFormat } from '../audio/format.js';

export interface LatencyOption {
  min: number;
  max: number;
  tail?: { share: number; min: number; max: number };
}

export interface SimulatorOptions {
  /** default 0: a free port */
  port?: number;
  /** accepted bearer keys; default ['sim-key']; any other key gets 401 */
  apiKeys?: string[];
  /**
   * create→terminal time (at least 1 ms); the in-flight states split it in thirds. Default
   * { min: 5, max: 20 }. `tail`: that share of tasks (0–1) takes tail.min–tail.max instead.
   */
  latencyMs?: LatencyOption;
  /** per key, createTask only, sliding window; default { requests: 20, intervalMs: 10_000 } */
  rateLimit?: RateLimitOption | false;
  /** per key, recordInfo only, sliding window; default false */
  pollRateLimit?: RateLimitOption | false;
  /** starting credits per key; default 100_000 */
  credits?: number;
  /** seeds the fault and latency PRNGs so that runs are reproducible; default 1 */
  seed?: number;
  faults?: Partial<Faults>;
  /** after a task ends, its result files 404 and recordInfo answers "recordInfo is null"; default Infinity */
  resultTtlMs?: number;
  /**
   * The simulator's notion of now (ms). Task states, rate windows, expiry and signed-URL lifetimes
   * are all computed from it when asked, never from timers, so tests can move time explicitly.
   * Default Date.now.
   */
  clock?: () => number;
  /**
   * Called for every request once it is counted and its body read, before it is answered; the
   * answer waits for a returned promise. Lets a test act at the exact moment a request arrives
   * (e.g. kill the client before its createTask is answered: the task is still made and charged).
   * A throw or rejection is answered as a simulator error (HTTP 500).
   */
  onRequest?: (request: SimRequest) => void | Promise<void>;
  /**
   * Result files are streamed `chunkBytes` at a time with `intervalMs` between chunks, so that a
   * download stays open (partly received) for a while. Default: the whole file at once.
   */
  downloadPacing?: DownloadPacing;
  /** every result lasts this many seconds whatever was asked (benchmarks of large downloads) */
  resultSeconds?: number;
  /**
   * Where a voice task asked for `timestamps: true` carries its timing data in `resultJson`
   * (kie.ai does not document it: docs/kie-api.md §8). Default 'characters'.
   */
  timings?: TimingShape;
  /**
   * The bytes a task's result is served as, instead of the generated (silent) audio: tests of
   * post-processing serve audible sound they made. Undefined for a task: the generated audio.
   */
  resultAudio?: ResultAudioSource;
}

/** A test's own result bytes for a task (SimulatorOptions.resultAudio). */
export type ResultAudioSource = (task: { taskId: string; model: string; input: Record<string, unknown> }) => Buffer | undefined;

/**
 * - characters: ElevenLabs' character alignment beside resultUrls, `{ alignment: { characters,
 *   character_start_times_seconds, character_end_times_seconds } }`
 * - words: a word list `{ words: [{ text, start_time, end_time }] }`
 * - timestamps: a word list `{ timestamps: [{ word, start, end }] }`
 * - nested: the character alignment under `resultObject`
 * - none: no timing data at all
 * - unknown: timing data in a shape no client knows (`speechMarks: [{ t_ms, len_ms, value }]`)
 */
export type TimingShape = 'characters' | 'words' | 'timestamps' | 'nested' | 'none' | 'unknown';

export interface SimRequest {
  /** the key counted in SimStats.requestsByRoute: "POST /api/v1/jobs/createTask", "GET /files/*", "unrouted"… */
  route: string;
  method: string;
  /** URL path without the query */
  path: string;
}

export interface DownloadPacing {
  /** bytes per chunk, at least 1 */
  chunkBytes: number;
  /** ms between chunks, at least 0 */
  intervalMs: number;
}

export interface RateLimitOption {
  requests: number;
  intervalMs: number;
}

/** Probabilities (0..1, rolled per eligible request) unless said otherwise. */
export interface Faults {
  /** any API route answers HTTP 500 (no task created) */
  http500: number;
  /** the socket is reset before answering (no task created) */
  connectionReset: number;
  /** createTask: the task is created and charged, then the socket is closed without an answer */
  lostCreateResponse: number;
  /** ms added before every answer (not a probability) */
  slowMs: number;
  /** HTTP 200 with a truncated JSON body (createTask: no task created) */
  invalidJson: number;
  /** file download: Content-Length announces the full size but the body stops early */
  truncatedDownload: number;
  /** file download answers 404 */
  download404: number;
  /** a result URL answers 403 (sticky per task) unless fetched through a download-url signed URL */
  resultUrlForbidden: number;
  /** a task ends in state fail, failCode "500", 0 credits */
  taskFail: number;
  /** createTask answers HTTP 429 whatever the limiter says (no task) */
  burst429: number;
  /** true: API errors other than 429 and the 500 fault come as HTTP 200 with {code: N}; false: as HTTP status N too */
  errorsAsBodyCode: boolean;
  /** recordInfo answers 422 "recordInfo is null" for this many ms after creation (not a probability) */
  recordInvisibleMs: number;
}

export type TaskState = 'waiting' | 'queuing' | 'generating' | 'success' | 'fail';

export interface SimTask {
  taskId: string;
  recordId: string;
  apiKey: string;
  model: string;
  input: Record<string, unknown>;
  callBackUrl: string | undefined;
  /** the state at the moment of the call */
  state: TaskState;
  /** how the task will end (decided at creation) */
  outcome: 'success' | 'fail';
  createdAt: number;
  completesAt: number;
  /** what the task costs the key: its price when it succeeds, 0 when it fails */
  credits: number;
  /** what the result is (also set for failing tasks: what it would have been) */
  format: AudioFormat;
  durationSeconds: number;
  /** unsigned result URL; undefined for failing tasks */
  resultUrl: string | undefined;
  contentType: string | undefined;
  /** a copy of the exact bytes served at resultUrl; undefined for failing tasks */
  result: Buffer | undefined;
  /** recordInfo answers given for it so far (429s not counted) */
  polls: number;
  /** when a recordInfo answer first showed it finished (success or fail); undefined until then */
  doneSeenAt: number | undefined;
}

export interface SimStats {
  /** every createTask request received */
  createRequests: number;
  /** tasks actually created (charged unless they fail) */
  tasksCreated: number;
  /** every answer with status or code 429 */
  rejected429: number;
  /** recordInfo requests */
  polls: number;
  /** file GETs that completed with 200 */
  downloads: number;
  downloadUrlRequests: number;
  creditRequests: number;
  creditsCharged: number;
  /** canonical JSON (sorted keys) of {model, input} → number of charged tasks */
  chargesBySpec: Record<string, number>;
  /** "METHOD /path" for known routes, "GET /files/*" for result files, "unrouted" otherwise */
  requestsByRoute: Record<string, number>;
  /** every task created, in order, with the model and input exactly as received (charged or not) */
  created: SentTask[];
}

/** What a client sent to create one task. */
export interface SentTask {
  model: string;
  input: Record<string, unknown>;
}

export interface Simulator {
  /** 'http://127.0.0.1:<port>', no trailing slash */
  url: string;
  /** merges into the current faults */
  setFaults(faults: Partial<Faults>): void;
  setCredits(key: string, credits: number): void;
  /** a snapshot */
  stats(): SimStats;
  task(taskId: string): SimTask | undefined;
  /** closes the server and every socket, and abandons delayed answers */
  close(): Promise<void>;
}
