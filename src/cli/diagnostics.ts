/** Validation problems as people read them: `file:line:col`, severity, asset, field, message. */
import type { Diagnostic } from '../errors.js';
import { escapeStrings } from './escape.js';
import { paint } from './paint.js';

export function renderDiagnostic(diagnostic: Diagnostic, color: boolean): string {
  // one line each, whatever the spec contained
  const d = escapeStrings(diagnostic);
  const where = paint(color, 'bold', `${d.file}:${d.line}:${d.col}`);
  const severity = d.severity === 'error' ? paint(color, 'red', 'error') : paint(color, 'yellow', 'warning');
  // Most messages already open with the field ("stability: expected …"); say it only if not.
  const fieldNamed = d.field === undefined || d.message.startsWith(`${d.field}:`) || d.message.includes(`"${d.field}"`);
  const message = fieldNamed ? d.message : `${d.field}: ${d.message}`;
  const asset = d.asset !== undefined ? ` in asset ${paint(color, 'bold', d.asset)}` : '';
  return `${where}: ${severity}${asset}: ${message} ${paint(color, 'dim', `[${d.code}]`)}`;
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], color: boolean): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const lines = diagnostics.map((d) => renderDiagnostic(d, color));
  const counts = [`${errors} error${errors === 1 ? '' : 's'}`];
  if (warnings > 0) counts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  lines.push(`${counts.join(', ')}; nothing was sent to the API and nothing was written`);
  return lines.join('\n');
}
