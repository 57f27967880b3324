/**
 * One `--json` line as printed. Apart from the schemas (json-lines.ts), so that printing loads no
 * zod: a no-op build prints thousands of lines and should not wait for a validator it never runs.
 */
import type { JsonLinePayload } from './json-lines.js';

export const JSON_LINES_VERSION = 1;

export function toJsonLine(payload: JsonLinePayload): string {
  return `${JSON.stringify({ v: JSON_LINES_VERSION, ...payload })}\n`;
}
