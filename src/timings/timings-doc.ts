/**
 * The `.timings.json` sidecar: `{ v, text, duration, words, raw }` — the words of a voice line
 * with their times in seconds, the line as written, the audio's length, and the timing data as
 * the API returned it (`null` when it returned none). Deterministic text (sorted keys, two-space
 * indent, trailing newline) so that a rebuild writes the same bytes. Reading one back is
 * defensive: anything but a valid document is no document.
 */
import { z } from 'zod';
import { sortKeys } from '../store/canonical-json.js';
import type { TimedWord } from './word.js';

export const TIMINGS_DOC_VERSION = 1;

const TimedWordSchema = z.object({ text: z.string(), start: z.number().nonnegative(), end: z.number().nonnegative() });

const TimingsDocSchema = z.object({
  v: z.literal(TIMINGS_DOC_VERSION),
  text: z.string(),
  duration: z.number().nonnegative(),
  words: z.array(TimedWordSchema),
  raw: z.unknown(),
});

export interface TimingsDoc {
  v: typeof TIMINGS_DOC_VERSION;
  text: string;
  duration: number;
  words: TimedWord[];
  raw: unknown;
}

export function timingsDocText(doc: TimingsDoc): string {
  return `${JSON.stringify(sortKeys({ ...doc, raw: doc.raw ?? null }), null, 2)}\n`;
}

export function parseTimingsDoc(text: string): TimingsDoc | undefined {
  try {
    const parsed = TimingsDocSchema.safeParse(JSON.parse(text));
    return parsed.success ? { ...parsed.data, raw: parsed.data.raw ?? null } : undefined;
  } catch {
    return undefined;
  }
}
