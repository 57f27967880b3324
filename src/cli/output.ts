/**
 * Where the CLI's words go, in one of three modes:
 * - `--json`: stdout carries only JSON lines (one object each, see json-lines.ts); human words go
 *   to stderr, so a pipe never receives anything it cannot parse.
 * - live: stdout is a terminal (and not CI, not --quiet): a progress area at the bottom, a line
 *   per finished asset above it.
 * - plain: everything else (pipes, files, CI): one line per thing worth a line, nothing redrawn.
 * In every mode problems go to stderr.
 */
import type { WatchEvent } from '../events.js';
import type { Env } from '../project.js';
import { toJsonLine } from './json-line-text.js';
import type { ErrorLine, JsonLinePayload } from './json-lines.js';
import { createLineQueue, type LineQueue } from './line-queue.js';
import { colorEnabled } from './paint.js';
import { createProgress, type Progress, type ProgressStream } from './progress.js';
import { PROBLEM_EVENTS, renderEvent } from './render-event.js';
import { isInteractive } from './terminal.js';

export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** a build or watch event: a JSON line, or a human line if it is worth one at this verbosity */
  event(event: WatchEvent): void;
  /** a command's result: `text` for people, `lines` as JSON lines */
  result(text: string, lines: JsonLinePayload | readonly JsonLinePayload[]): void;
  /** a document that is the result itself (`export strings` without --out): stdout as it is, never escaped or reflowed */
  document(text: string): void;
  /** information for people (stderr in JSON mode); suppressed by --quiet */
  notice(text: string): void;
  /** a problem: stderr for people; in JSON mode also an `error` line on stdout */
  error(text: string, data: Omit<ErrorLine, 'type' | 'message'>): void;
  /** writes what is held, stops redrawing and takes the progress area off the screen */
  close(): void;
}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  env: Env;
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** default Date.now */
  now?: () => number;
}

/** How often the live area may redraw on its own (elapsed time, spinner). */
const TICK_MS = 125;

/** What the methods of an Output share: the mode, the streams and, on a terminal, the live area. */
interface OutputState {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly color: boolean;
  readonly errColor: boolean;
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  readonly queue: LineQueue;
  readonly progress: Progress | undefined;
  /** redraws the live area while it is on screen */
  timer: ReturnType<typeof setInterval> | undefined;
}

export function createOutput(options: OutputOptions): Output {
  const { json, quiet, verbose, stdout, stderr, env } = options;
  const color = !json && colorEnabled(stdout, env);
  const errColor = colorEnabled(stderr, env);
  const queue = createLineQueue();
  const progress: Progress | undefined =
    !json && !quiet && isInteractive(stdout, env)
      ? createProgress({ out: stdout, err: stderr, color, errColor, verbose, now: options.now ?? Date.now, minRedrawMs: TICK_MS })
      : undefined;
  const state: OutputState = { json, quiet, verbose, color, errColor, stdout, stderr, queue, progress, timer: undefined };

  return {
    json,
    color,
    verbose,
    quiet,
    event: (event) => writeEvent(state, event),
    result: (text, lines) => writeResult(state, text, lines),
    document: (text) => void state.stdout.write(text),
    notice: (text) => writeNotice(state, text),
    error: (text, data) => writeError(state, text, data),
    close: () => closeOutput(state),
  };
}

function writeEvent(state: OutputState, event: WatchEvent): void {
  if (state.json) {
    writeJsonLine(state, event);
    return;
  }
  if (state.progress) {
    state.progress.event(event);
    syncTickTimer(state);
    return;
  }
  const problem = PROBLEM_EVENTS.has(event.type);
  if (state.quiet && !problem && event.type !== 'summary') return;
  const text = renderEvent(event, { color: problem ? state.errColor : state.color, verbose: state.verbose });
  if (text !== undefined) writeLine(state, problem ? state.stderr : state.stdout, text);
}

function writeResult(state: OutputState, text: string, lines: JsonLinePayload | readonly JsonLinePayload[]): void {
  if (state.json) for (const l of Array.isArray(lines) ? lines : [lines]) writeJsonLine(state, l);
  else if (text !== '') writeText(state, 'out', text);
}

function writeNotice(state: OutputState, text: string): void {
  if (state.quiet) return;
  if (state.json) writeLine(state, state.stderr, text);
  else writeText(state, 'out', text);
}

function writeError(state: OutputState, text: string, data: Omit<ErrorLine, 'type' | 'message'>): void {
  if (state.json) writeJsonLine(state, { type: 'error', message: text, ...data });
  writeText(state, 'err', text);
}

function closeOutput(state: OutputState): void {
  state.queue.flush();
  state.progress?.stop();
  syncTickTimer(state);
}

/** In JSON mode, stdout carries these and nothing else. */
function writeJsonLine(state: OutputState, payload: JsonLinePayload): void {
  state.queue.write(state.stdout, toJsonLine(payload));
}

/** A line as it is, on `stream`: a newline is added when the text has none. */
function writeLine(state: OutputState, stream: ProgressStream, text: string): void {
  state.queue.write(stream, text.endsWith('\n') ? text : `${text}\n`);
}

/** Text for people: above the live area when there is one, else a plain line. */
function writeText(state: OutputState, to: 'out' | 'err', text: string): void {
  if (state.progress) state.progress.print(to, text);
  else writeLine(state, to === 'out' ? state.stdout : state.stderr, text);
}

/** The timer runs only while the area is on screen, and never keeps the process alive. */
function syncTickTimer(state: OutputState): void {
  const { progress } = state;
  if (progress?.active && state.timer === undefined) {
    state.timer = setInterval(() => progress.tick(), TICK_MS);
    state.timer.unref();
  } else if (!progress?.active && state.timer !== undefined) {
    clearInterval(state.timer);
    state.timer = undefined;
  }
}
