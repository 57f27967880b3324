/**
 * The `post:` key as users write it (contract, Part 2, "Post-processing"): one chain on an asset,
 * a chain per kind at the top of the config or a spec file, or `none` at any of those places.
 * Exported for the schemas to take in one line each (asset, SpecFileSchema, ConfigSchema); not
 * wired in yet, so `post:` is still an unknown key until processing works end to end.
 */
import { z } from 'zod';
import { POST_FORMATS } from '../ffmpeg/post-chain.js';
import { describeFound, quotedNumberHint } from './describe.js';
import { containerError, integerSchema, unset } from './param-schemas.js';
import { didYouMean, suggest } from './suggest.js';

export const POST_NONE = 'none';

/** When a chain sets `trim: {}` or one of its keys, the other is this. */
export const TRIM_DEFAULTS = { thresholdDb: -50, padMs: 20 } as const;

function numberFrom(min: number, max: number, unit: string) {
  const error = (issue: { input?: unknown }) =>
    `expected a number from ${min} to ${max} (${unit}), found ${describeFound(issue.input)}${quotedNumberHint(issue.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

function trimSchema() {
  return z
    .strictObject(
      {
        thresholdDb: unset(numberFrom(-100, -10, 'dBFS').describe(`Below this level is silence (default ${TRIM_DEFAULTS.thresholdDb}).`)),
        padMs: unset(integerSchema(0, 5000).describe(`Silence kept at each end, at most, in ms (default ${TRIM_DEFAULTS.padMs}).`)),
      },
      { error: containerError('a map such as { thresholdDb: -45, padMs: 20 }') },
    )
    .describe('Trim silence at both ends, keeping at most padMs of it.');
}

function formatSchema() {
  return z
    .enum(POST_FORMATS, {
      error: (issue) => {
        const hint = typeof issue.input === 'string' ? suggest(issue.input.toLowerCase(), POST_FORMATS) : undefined;
        return `expected "wav", "ogg", "mp3" or "flac", found ${describeFound(issue.input)}${didYouMean(hint)}`;
      },
    })
    .describe("The output's format (Ogg is Vorbis); `out` must have its extension.");
}

function channelsSchema() {
  const error = (issue: { input?: unknown }) => `expected 1 or 2, found ${describeFound(issue.input)}${quotedNumberHint(issue.input)}`;
  return z.union([z.literal(1), z.literal(2)], { error }).describe('Channels of the output: 1 (mono) or 2 (stereo).');
}

/** One chain: each key optional, `null` meaning "not set here" as with parameters. */
export function postChainSchema() {
  return z.strictObject(
    {
      loudness: unset(numberFrom(-70, -5, 'LUFS').describe('Integrated loudness target, LUFS (two-pass loudnorm, linear where possible).')),
      truePeak: unset(numberFrom(-9, 0, 'dBTP').describe('True-peak ceiling, dBTP (default -1 with loudness).')),
      trim: unset(trimSchema()),
      fadeInMs: unset(integerSchema(0, 10000).describe('Fade-in at the start, ms.')),
      fadeOutMs: unset(integerSchema(0, 10000).describe('Fade-out at the end, ms.')),
      sampleRate: unset(integerSchema(8000, 192000).describe('Sample rate of the output, Hz.')),
      channels: unset(channelsSchema()),
      format: unset(formatSchema()),
    },
    { error: containerError(`a map of post-processing settings, or ${POST_NONE}`) },
  );
}

function noneOr<T extends z.ZodType>(schema: T, what: string) {
  return z.union([z.literal(POST_NONE), schema], {
    error: (issue) => {
      const hint = typeof issue.input === 'string' ? suggest(issue.input.toLowerCase(), [POST_NONE]) : undefined;
      return `expected ${what} or none, found ${describeFound(issue.input)}${didYouMean(hint)}`;
    },
  });
}

/** An asset's `post:`: one chain, or `none`. */
export const AssetPostSchema = unset(
  noneOr(postChainSchema(), 'a map of post-processing settings').describe('Post-processing of this asset, or none.'),
);

/** `post:` at the top of the config or a spec file: a chain per kind, or `none` for every kind. */
export const PostDefaultsSchema = unset(
  noneOr(
    z.strictObject(
      {
        voice: unset(noneOr(postChainSchema(), 'a map of post-processing settings')),
        effect: unset(noneOr(postChainSchema(), 'a map of post-processing settings')),
      },
      { error: containerError(`a map with voice and/or effect chains, or ${POST_NONE}`) },
    ),
    'a map with voice and/or effect chains',
  ).describe('Post-processing per kind (voice, effect), or none.'),
);

export type PostChainInput = z.output<ReturnType<typeof postChainSchema>>;
export type AssetPostInput = z.output<typeof AssetPostSchema>;
export type PostDefaultsInput = z.output<typeof PostDefaultsSchema>;
