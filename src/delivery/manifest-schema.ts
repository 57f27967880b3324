/**
 * The manifest's shape (contract, Part 2, "Manifest and review page"): one zod schema that is the
 * source of the rows' type, of the check on an existing manifest before its durations are reused,
 * and of schemas/kieaudio.manifest.schema.json. The field order here is the order in the files.
 */
import { z } from 'zod';

export const MANIFEST_VERSION = 1;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ManifestRowSchema = z
  .strictObject({
    id: z.string().describe('The asset id (an expanded output: `<id>@<lang>`…).'),
    kind: z.enum(['voice', 'effect']),
    out: z.string().describe("The audio file, relative to the config's folder (POSIX separators)."),
    speaker: z.string().nullable().describe('Voice lines: the cast entry that speaks it.'),
    language: z.string().nullable().describe('The language it speaks (ISO 639-1), when declared.'),
    voice: z.string().nullable().describe('Voice lines: the voice sent to the API.'),
    text: z.string().nullable().describe('Voice lines: the text as written (before the lexicon).'),
    durationSeconds: z.number().nonnegative().describe('How long it plays, to the millisecond, measured from the audio.'),
    loudnessLufs: z.number().nullable().describe('Integrated loudness measured by post-processing (LUFS); null without `post:`.'),
    truePeakDb: z.number().nullable().describe('True peak measured by post-processing (dBTP); null without `post:`.'),
    subtitles: z.array(z.string()).nullable().describe("Subtitle files (.srt, .vtt) beside it, relative to the config's folder."),
    sha256: Sha256.describe('SHA-256 of the audio file.'),
    specHash: Sha256.describe('The hash of what was sent to make it (kieaudio.lock).'),
  })
  .meta({ id: 'manifestRow', description: 'One output.' });

export const ManifestSchema = z
  .strictObject({
    version: z.literal(MANIFEST_VERSION),
    assets: z.array(ManifestRowSchema).describe('Every built output, sorted by id.'),
  })
  .meta({
    description: 'The outputs of a kieaudio project, for game engines: written by `kieaudio build` when `manifest.json` is set.',
  });

export type ManifestRow = z.infer<typeof ManifestRowSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** The columns of the CSV form, in order. */
export const MANIFEST_COLUMNS = Object.keys(ManifestRowSchema.shape) as (keyof ManifestRow)[];
