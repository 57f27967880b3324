/** A validation problem as `--json` lines carry it (events.ts, cli/json-lines.ts): the schema of errors.ts's Diagnostic. */
import { z } from 'zod';
import type { Diagnostic } from './errors.js';

export const location = {
  file: z.string().describe('the file, relative to the working directory'),
  line: z.number().int().describe('1-based'),
  col: z.number().int().describe('1-based'),
};

export const DiagnosticSchema = z.strictObject({
  ...location,
  severity: z.enum(['error', 'warning']),
  code: z.string().describe('stable machine code, e.g. E_RANGE, E_UNKNOWN_KEY'),
  asset: z.string().optional().describe('asset id, or #<index> when it has no usable id'),
  field: z.string().optional().describe('dotted path of the field, e.g. stability, defaults.voice.speed'),
  message: z.string().describe('what was expected and what was found'),
});

// The schema restates a type that lives in errors.ts; this fails to compile if the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const diagnosticsAgree: Same<z.infer<typeof DiagnosticSchema>, Diagnostic> = true;
void diagnosticsAgree;
