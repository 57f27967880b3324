/**
 * The one top-level catch: an error that ended a command, printed once and turned into the exit
 * code. Known errors (`KieaudioError`) get their message; anything else is a bug and gets a stack.
 */
import { KieaudioError, ValidationError } from '../errors.js';
import { renderDiagnostics } from './diagnostics.js';
import { escapeControl } from './escape.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

/** Prints `error`; `interrupted` when the command was stopped by a signal (whatever it threw then). */
export function renderError(error: unknown, output: Output, interrupted: boolean): ExitCode {
  if (error instanceof ValidationError) {
    output.error(renderDiagnostics(error.diagnostics, output.color), { code: error.code, diagnostics: error.diagnostics });
    return EXIT.usage;
  }
  if (error instanceof KieaudioError) {
    if (error.code === 'E_ABORTED' || interrupted) {
      // tasks in flight, if any, were listed by the build's `interrupted` event
      output.error('interrupted: finished work is kept', { code: 'E_ABORTED' });
      return EXIT.interrupted;
    }
    output.error(`error: ${escapeControl(error.message, { keepNewlines: true })}`, { code: error.code });
    switch (error.code) {
      case 'E_USAGE':
      case 'E_CONFIG_NOT_FOUND':
      case 'E_NO_MATCH':
      case 'E_NO_API_KEY':
        return EXIT.usage;
      default:
        return EXIT.failed;
    }
  }
  if (interrupted) return EXIT.interrupted;
  output.error(`internal error: ${(error as Error).stack ?? String(error)}`, { code: 'E_INTERNAL' });
  return EXIT.failed;
}
