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
import { toJsonLine, type ErrorLine, type JsonLinePayload } from './json-lines.js';
import { colorEnabled } from './paint.js';
import { createProgress, type Progress, type ProgressStream } from './progress.js';
import { PROBLEM_EVENTS, renderEvent } from './render-event.js';
import type { Env } from '../project.js';
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

export function createOutput(options: OutputOptions): Output {
  const { json, quiet, verbose, stdout, stderr, env } = options;
  const color = !json && colorEnabled(stdout, env);
  const errColor = colorEnabled(stderr, env);
  const queue = createLineQueue();
  const line = (stream: ProgressStream, text: string) => queue.write(stream, text.endsWith('\n') ? text : `${text}\n`);
  const progress: Progress | undefined =
    !json && !quiet && isInteractive(stdout, env)
      ? createProgress({ out: stdout, err: stderr, color, errColor, verbose, now: options.now ?? Date.now, minRedrawMs: TICK_MS })
      : undefined;

  const jsonLine = json ? (text: string) => queue.write(stdout, text) : undefined;

  // The timer runs only while the area is on screen, and never keeps the process alive.
  let timer: ReturnType<typeof setInterval> | undefined;
  const syncTimer = () => {
    if (progress?.active && timer === undefined) {
      timer = setInterval(() => progress.tick(), TICK_MS);
      timer.unref();
    } else if (!progress?.active && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const write = (to: 'out' | 'err', text: string) => {
    if (progress) progress.print(to, text);
    else line(to === 'out' ? stdout : stderr, text);
  };

  return {
    json,
    color,
    verbose,
    quiet,
    event(event) {
      if (jsonLine) {
        jsonLine(toJsonLine(event));
        return;
      }
      if (progress) {
        progress.event(event);
        syncTimer();
        return;
      }
      const problem = PROBLEM_EVENTS.has(event.type);
      if (quiet && !problem && event.type !== 'summary') return;
      const text = renderEvent(event, { color: problem ? errColor : color, verbose });
      if (text !== undefined) line(problem ? stderr : stdout, text);
    },
    result(text, lines) {
      if (jsonLine) for (const l of Array.isArray(lines) ? lines : [lines]) jsonLine(toJsonLine(l));
      else if (text !== '') write('out', text);
    },
    notice(text) {
      if (quiet) return;
      if (json) line(stderr, text);
      else write('out', text);
    },
    error(text, data) {
      if (jsonLine) jsonLine(toJsonLine({ type: 'error', message: text, ...data }));
      write('err', text);
    },
    close() {
      queue.flush();
      progress?.stop();
      syncTimer();
    },
  };
}

/**
 * Lines for stdout and stderr, held until the end of the current turn of the event loop and then
 * written in the order they came, each run of lines for one stream in one write. A build
 * restoring thousands of files emits a line per file from one synchronous pass; written one by
 * one, they cost a system call each (and, on a pipe, a wake-up of the reader): 25–30 ms per
 * 1,000 lines, a quarter of the copying itself. Order across the two streams is kept, so
 * `2>&1` reads as it happened.
 */
function createLineQueue(): { write(stream: ProgressStream, text: string): void; flush(): void } {
  let queue: { stream: ProgressStream; text: string }[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const pending = queue;
    queue = [];
    let stream: ProgressStream | undefined;
    let text = '';
    for (const item of pending) {
      if (item.stream !== stream) {
        stream?.write(text);
        stream = item.stream;
        text = '';
      }
      text += item.text;
    }
    stream?.write(text);
  };
  return {
    write(stream, text) {
      queue.push({ stream, text });
      if (!scheduled) {
        scheduled = true;
        // before the process can exit: no turn of the event loop ends with lines still held
        process.nextTick(flush);
      }
    },
    flush,
  };
}
