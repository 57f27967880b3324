/**
 * Where the CLI's words go. Human mode: results on stdout, problems on stderr. `--json` mode:
 * stdout carries only JSON lines (one object each), human words go to stderr, so a pipe never
 * receives anything it cannot parse.
 */
import type { BuildEvent } from '../events.js';
import { renderEvent } from './render-event.js';
import { colorEnabled } from './paint.js';

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** a build event: a JSON line, or a human line if it is worth one at this verbosity */
  event(event: BuildEvent): void;
  /** a command's result: `text` for people, `data` as one JSON line */
  result(text: string, data: Record<string, unknown>): void;
  /** information for people (stderr in JSON mode); suppressed by --quiet */
  notice(text: string): void;
  /** a problem: stderr for people; in JSON mode also a `{"type":"error",…}` line on stdout */
  error(text: string, data: Record<string, unknown>): void;
}

export function createOutput(options: {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  env: Record<string, string | undefined>;
  stdout: Stream;
  stderr: Stream;
}): Output {
  const { json, quiet, verbose, stdout, stderr } = options;
  const color = !json && colorEnabled(stdout, options.env);
  const errColor = colorEnabled(stderr, options.env);
  const line = (stream: Stream, text: string) => stream.write(text.endsWith('\n') ? text : `${text}\n`);
  const jsonLine = (value: unknown) => stdout.write(`${JSON.stringify(value)}\n`);

  return {
    json,
    color,
    verbose,
    quiet,
    event(event) {
      if (json) {
        jsonLine(event);
        return;
      }
      const text = renderEvent(event, { color, verbose });
      if (text === undefined) return;
      const problem = event.type === 'failed' || event.type === 'warning' || event.type === 'kept';
      if (quiet && !problem && event.type !== 'summary') return;
      line(problem ? stderr : stdout, problem ? renderEvent(event, { color: errColor, verbose }) ?? text : text);
    },
    result(text, data) {
      if (json) jsonLine(data);
      else if (text !== '') line(stdout, text);
    },
    notice(text) {
      if (quiet) return;
      line(json ? stderr : stdout, text);
    },
    error(text, data) {
      if (json) jsonLine({ type: 'error', message: text, ...data });
      line(stderr, text);
    },
  };
}
