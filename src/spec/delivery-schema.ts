/**
 * The config's delivery keys (contract, Part 2, "Manifest and review page"): `manifest:` names the
 * files a build keeps as the engine's table of outputs, `report:` the folder a build refreshes the
 * review page in. Paths are relative to the config's folder.
 */
import { z } from 'zod';
import { containerError, pathSchema, unset } from './param-schemas.js';

export const ManifestKeySchema = unset(
  z
    .strictObject(
      {
        json: unset(pathSchema('a file').describe('The manifest as JSON, e.g. assets/audio/manifest.json.')),
        csv: unset(pathSchema('a file').describe('The manifest as CSV (one row per output), e.g. assets/audio/manifest.csv.')),
      },
      { error: containerError('a map such as { json: assets/audio/manifest.json }') },
    )
    .describe(
      'The manifest: every output with its id, path, duration, loudness, speaker and language, sorted by id. Written by builds that change it.',
    ),
);

export const ReportKeySchema = unset(
  z
    .strictObject(
      { out: pathSchema('a folder').describe('Where `build` refreshes the review page (index.html) after changes.') },
      { error: containerError('a map such as { out: build/audio-report }') },
    )
    .describe('The review page (kieaudio report): set `out` to have every build that changes outputs refresh it.'),
);

export type ManifestInput = z.output<typeof ManifestKeySchema>;
export type ReportInput = z.output<typeof ReportKeySchema>;
