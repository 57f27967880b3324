/**
 * Languages as users write them: ISO 639-1 codes (`en`, `de`), checked against the ICU data Node
 * carries, so a typo or a retired code (`iw`, now `he`) is caught where it is written. The config's
 * `languages` and `localization` keys, and the language keys of text maps, are built from these.
 */
import { z } from 'zod';
import { describeFound } from './describe.js';

const DISPLAY = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
const TWO_LETTERS = /^[a-z]{2}$/;

/** The current code for `code` when it is a retired one (`iw` → `he`), else undefined. */
function currentCode(code: string): string | undefined {
  const [canonical] = Intl.getCanonicalLocales(code);
  return canonical !== undefined && canonical !== code ? canonical : undefined;
}

/** Whether `code` is a current ISO 639-1 code. */
export function isLanguageCode(code: string): boolean {
  return TWO_LETTERS.test(code) && currentCode(code) === undefined && DISPLAY.of(code) !== undefined;
}

/** `de (German)`, for messages. */
export function describeLanguage(code: string): string {
  const name = TWO_LETTERS.test(code) ? DISPLAY.of(code) : undefined;
  return name === undefined ? code : `${code} (${name})`;
}

function languageMessage(input: unknown): string {
  if (typeof input !== 'string') return `expected an ISO 639-1 language code such as "en" or "de", found ${describeFound(input)}`;
  const lower = input.toLowerCase();
  const current = TWO_LETTERS.test(lower) ? currentCode(lower) : undefined;
  const hint =
    lower !== input && isLanguageCode(lower)
      ? ` (did you mean "${lower}"? codes are lower case)`
      : current !== undefined
        ? ` (a retired code; did you mean "${current}"?)`
        : '';
  return `expected an ISO 639-1 language code such as "en" or "de", found ${describeFound(input)}${hint}`;
}

/** One ISO 639-1 code. */
export function languageSchema() {
  const error = (issue: { input?: unknown }) => languageMessage(issue.input);
  return z
    .string({ error })
    .refine(isLanguageCode, { error, params: { code: 'E_LANGUAGE' } })
    .meta({ description: 'An ISO 639-1 language code, lower case (en, de, fr, ja…).', pattern: TWO_LETTERS.source });
}

/** The config's `languages:`: what the project ships, the source language first, each once. */
export function languagesSchema() {
  return z
    .array(languageSchema(), {
      error: (issue) => `expected a list of language codes such as [en, de, fr], found ${describeFound(issue.input)}`,
    })
    .min(1, { error: 'expected at least one language (the source language first), found an empty list' })
    .refine((codes) => new Set(codes).size === codes.length, {
      error: (issue) => {
        const codes = Array.isArray(issue.input) ? issue.input : [];
        const twice = codes.find((code, i) => codes.indexOf(code) !== i);
        return `expected each language once, found ${describeFound(twice)} twice`;
      },
      params: { code: 'E_DUPLICATE_LANGUAGE' },
    })
    .optional()
    .describe(
      'Languages the project ships, ISO 639-1 codes; the first is the source language. A text map (text: { en: …, de: … }) or {lang} in `out` makes one output per language. Left out: a single-language project.',
    );
}

/** What an output whose language has no text gets (`localization.missing`). */
export const MISSING_POLICIES = ['warn', 'error', 'source'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** The config's `localization:`. */
export function localizationSchema() {
  const mapError = (issue: { input?: unknown }) => `expected a map (missing, translations), found ${describeFound(issue.input)}`;
  return z
    .strictObject(
      {
        missing: z
          .enum(MISSING_POLICIES, { error: (issue) => `expected "warn", "error" or "source", found ${describeFound(issue.input)}` })
          .default('warn')
          .describe(
            'A language with no text for an output: warn (skip that output with a warning; the build still exits 0), error (exit 2, nothing sent), source (use the source language text: the output is a copy of the source-language output, paid once).',
          ),
        translations: z
          .array(z.string({ error: (issue) => `expected a glob pattern, found ${describeFound(issue.input)}` }).min(1), {
            error: (issue) => `expected a list of glob patterns, found ${describeFound(issue.input)}`,
          })
          .default([])
          .describe(
            'Translations tables (CSV, keyed by id, with text.<lang> and lock.<lang> columns): globs relative to the config folder.',
          ),
      },
      { error: mapError },
    )
    .prefault({})
    .describe('How languages without text are handled, and where translations come from.');
}
