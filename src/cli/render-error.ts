/**
 * The one top-level catch: an error that ended a command, printed once and turned into the exit
 * code. Known errors (`KieaudioError`, and file system errors, which become one) get their
 * message — one line, no stack; `--verbose` adds the original error. Anything else is a bug and
 * gets a stack.
 */
import { errnoFields, KieaudioError, toKieaudioError, ValidationError } from '../errors.js';
import { renderDiagnostics } from './diagnostics.js';
import { escapeControl } from './escape.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { ErrorLine } from './json-lines.js';
import type { Output } from './output.js';

/** Prints `error`; `interrupted` when the command was stopped by a signal (whatever it threw then). */
export function renderError(error: unknown, output: Output, interrupted: boolean): ExitCode {
  if (error instanceof ValidationError) {
    output.error(renderDiagnostics(error.diagnostics, output.color), { code: error.code, diagnostics: error.diagnostics });
    return EXIT.usage;
  }
  // a file system error nobody wrapped (any stage) is still the user's to fix, not a bug
  const known = error instanceof KieaudioError ? error : errnoFields(error) ? toKieaudioError(error) : undefined;
  if (known) {
    if (known.code === 'E_ABORTED' || interrupted) {
      // tasks in flight, if any, were listed by the build's `interrupted` event
      output.error('interrupted: finished work is kept', { code: 'E_ABORTED' });
      return EXIT.interrupted;
    }
    const cause = output.verbose && known.cause !== undefined ? `\n  cause: ${describeCause(known.cause)}` : '';
    output.error(`error: ${escapeControl(known.message + cause, { keepNewlines: true })}`, { code: known.code, ...whereFields(known) });
    switch (known.code) {
      case 'E_USAGE':
      case 'E_CONFIG_NOT_FOUND':
      case 'E_NO_MATCH':
      case 'E_NO_API_KEY':
        return EXIT.usage;
      case 'E_BUDGET':
        return EXIT.budget;
      default:
        return EXIT.failed;
    }
  }
  if (interrupted) return EXIT.interrupted;
  output.error(`internal error: ${(error as Error).stack ?? String(error)}`, { code: 'E_INTERNAL' });
  return EXIT.failed;
}

/** The original error, as Node reported it (its stack, for the one who asked with --verbose). */
function describeCause(cause: unknown): string {
  const text = cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : String(cause);
  return text.split('\n').join('\n    ');
}

/** What machines want to know about where it failed: the path (E_IO) or the server (API errors). */
function whereFields(error: KieaudioError): Pick<ErrorLine, 'path' | 'errno' | 'url' | 'estimate' | 'maxCredits' | 'largest'> {
  const { path, errno, url } = error.details;
  return {
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof errno === 'string' ? { errno } : {}),
    ...(typeof url === 'string' ? { url } : {}),
    ...budgetFields(error),
  };
}

/** E_BUDGET: the estimate, the budget and the largest items (build/budget-check.ts). */
function budgetFields(error: KieaudioError): Pick<ErrorLine, 'estimate' | 'maxCredits' | 'largest'> {
  if (error.code !== 'E_BUDGET') return {};
  const { estimate, maxCredits, largest } = error.details as Pick<ErrorLine, 'estimate' | 'maxCredits' | 'largest'>;
  return {
    ...(estimate === undefined ? {} : { estimate }),
    ...(maxCredits === undefined ? {} : { maxCredits }),
    ...(largest ? { largest } : {}),
  };
}
