/** Ordering and bookkeeping shared by everything that produces Diagnostics. */
import type { Diagnostic } from '../errors.js';
import type { BuildEvent } from '../events.js';

/** By file, then line, then column: the order a user fixes them in. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col;
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** A warning found while loading (a long effect text, an unknown model…), as the event that reports it. */
export function diagnosticWarning(d: Diagnostic): Extract<BuildEvent, { type: 'warning' }> {
  return {
    type: 'warning',
    code: d.code,
    message: d.message,
    file: d.file,
    line: d.line,
    col: d.col,
    ...(d.asset ? { asset: d.asset } : {}),
  };
}
