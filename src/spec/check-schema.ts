/**
 * The config's `check:` key: the thresholds of `kieaudio check` (contract, Part 2,
 * "Post-processing"). Every key is optional; what is left out keeps its default (DEFAULT_CHECK).
 */
import { z } from 'zod';
import { DEFAULT_CHECK } from '../project.js';
import { describeFound, quotedNumberHint } from './describe.js';
import { containerError, integerSchema, unset } from './param-schemas.js';

function numberFrom(min: number, max: number, unit: string) {
  const error = (issue: { input?: unknown }) =>
    `expected a number from ${min} to ${max} (${unit}), found ${describeFound(issue.input)}${quotedNumberHint(issue.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

export const CheckSchema = z
  .strictObject(
    {
      maxSilenceMs: unset(
        integerSchema(0, 60000).describe(`Most silence allowed at either end of a file, ms (default ${DEFAULT_CHECK.maxSilenceMs}).`),
      ),
      silenceThresholdDb: unset(
        numberFrom(-100, -10, 'dBFS').describe(`Below this level is silence, dBFS (default ${DEFAULT_CHECK.silenceThresholdDb}).`),
      ),
      clipDb: unset(numberFrom(-9, 0, 'dBTP').describe(`A true peak above this is clipped, dBTP (default ${DEFAULT_CHECK.clipDb}).`)),
      silentLufs: unset(
        numberFrom(-70, -10, 'LUFS').describe(`An integrated loudness below this is silent, LUFS (default ${DEFAULT_CHECK.silentLufs}).`),
      ),
      loudnessToleranceLu: unset(
        numberFrom(0.1, 10, 'LU').describe(
          `Most distance from a post chain's loudness target, LU (default ${DEFAULT_CHECK.loudnessToleranceLu}).`,
        ),
      ),
    },
    { error: containerError('a map of check thresholds such as { maxSilenceMs: 500 }') },
  )
  .optional()
  .describe('Thresholds of kieaudio check, the quality gate over the files at out.');

export type CheckInput = z.output<typeof CheckSchema>;
