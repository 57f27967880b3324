/**
 * The `subtitles` key as users write it: a list of subtitle formats (`[srt, vtt]`) on a voice
 * line or in voice defaults. Its own file because the schemas (schema.ts) need it and the
 * defaults chain (subtitles.ts) needs the schemas.
 */
import { z } from 'zod';
import type { SubtitleFormat } from '../timings/formats.js';
import { describeFound } from './describe.js';
import { didYouMean, suggest } from './suggest.js';

const FORMATS = ['srt', 'vtt'] as const satisfies readonly SubtitleFormat[];
export const SUBTITLES_DESCRIPTION =
  'Subtitle files written beside the audio, from its timing data: srt and/or vtt (e.g. [srt, vtt]); [] for none. ' +
  'Needs timestamps: true. Not sent to the API: adding one costs no generation. Voice lines only.';

export function subtitlesSchema() {
  const element = z.enum(FORMATS, {
    error: (issue) => {
      const hint = typeof issue.input === 'string' ? suggest(issue.input.toLowerCase(), FORMATS) : undefined;
      return `expected "srt" or "vtt", found ${describeFound(issue.input)}${didYouMean(hint)}`;
    },
  });
  return z
    .array(element, {
      error: (issue) =>
        typeof issue.input === 'string'
          ? `expected a list of subtitle formats, found a single string (write it as [${issue.input}])`
          : `expected a list of subtitle formats such as [srt, vtt], found ${describeFound(issue.input)}`,
    })
    .describe(SUBTITLES_DESCRIPTION);
}
