/**
 * What a voice line's `text` and `voices` may be besides one value: a map of language to text
 * (one output per language in the config's `languages`), and a list of voices (one output per
 * voice). Which languages a map may name is the config's business, checked by the resolver
 * (expand-outputs.ts); here a key only has to be a language code.
 */
import { z } from 'zod';
import { describeFound } from './describe.js';
import { languageSchema } from './languages.js';

/** `text`: the words to speak, or a map of language code to them. */
export function textOrMapSchema(text: z.ZodType) {
  const map = z
    .record(languageSchema(), text, { error: (issue) => `expected a map of language codes to text, found ${describeFound(issue.input)}` })
    .refine((texts) => Object.keys(texts).length > 0, {
      error: 'expected at least one language, found an empty map',
      params: { code: 'E_RANGE' },
    });
  return z
    .union([text, map], {
      error: (issue) =>
        `expected the words to speak, or a map of language codes to them (en: …, de: …), found ${describeFound(issue.input)}`,
    })
    .describe(
      "The words to speak (at most 5000 characters), or a map of language code to them (en: …, de: …): one output per language of the config's `languages`, with {lang} in `out`.",
    );
}

/** `voices:`: one output per voice, each named with {voice} in `out`. */
export function voicesSchema(voice: z.ZodType) {
  return z
    .array(voice, { error: (issue) => `expected a list of voices such as [Rachel, George], found ${describeFound(issue.input)}` })
    .min(1, { error: 'expected at least one voice, found an empty list' })
    .refine((voices) => new Set(voices).size === voices.length, {
      error: 'expected each voice once, found one twice',
      params: { code: 'E_DUPLICATE_VOICE' },
    })
    .describe('One output per voice (preset names or voice ids), each with {voice} in `out`; the asset then sets no `voice` of its own.');
}
