/**
 * `kieaudio check`: for people, one line per problem (asset id, out, what, measured against the
 * limit) and a closing count; for machines, a `check` line per asset and a `check-summary`
 * (json-lines.ts).
 */
import type { CheckResult } from '../commands/check.js';
import type { QualityMeasurement } from '../ffmpeg/quality.js';
import type { JsonLinePayload } from './json-lines.js';
import { paint } from './paint.js';

export function renderCheck(result: CheckResult, options: { color: boolean; quiet: boolean; verbose: boolean }): string {
  const lines: string[] = [];
  for (const { asset, measured, problems } of result.assets) {
    for (const problem of problems) lines.push(`${paint(options.color, 'red', '✗')} ${asset.id}  ${asset.out}  ${problem.message}`);
    if (options.verbose && problems.length === 0 && measured !== undefined) {
      lines.push(`${paint(options.color, 'green', '✓')} ${asset.id}  ${asset.out}  ${describeMeasured(measured)}`);
    }
  }
  const checked = result.assets.length;
  const noun = checked === 1 ? 'file' : 'files';
  if (result.failed === 0) {
    if (options.quiet) return '';
    return [...lines, `${paint(options.color, 'green', '✓')} ${checked} ${noun} checked: all pass`].join('\n');
  }
  const count = result.assets.reduce((n, a) => n + a.problems.length, 0);
  lines.push(`check: ${count} problem${count === 1 ? '' : 's'} in ${result.failed} of ${checked} ${noun}`);
  return lines.join('\n');
}

/** `-21.1 LUFS, -18.1 dBTP, 1.00 s` (with --verbose, for files that pass) */
function describeMeasured(m: QualityMeasurement): string {
  const lufs = m.integratedLufs === null ? 'loudness not measurable (under 400 ms of sound)' : `${m.integratedLufs.toFixed(1)} LUFS`;
  const peak = m.truePeakDbtp === null ? '' : `, ${m.truePeakDbtp.toFixed(1)} dBTP`;
  return `${lufs}${peak}, ${m.durationSeconds.toFixed(2)} s`;
}

export function checkLines(result: CheckResult): JsonLinePayload[] {
  const lines: JsonLinePayload[] = result.assets.map(({ asset, measured, problems }) => ({
    type: 'check',
    asset: asset.id,
    out: asset.out,
    ok: problems.length === 0,
    ...(measured === undefined
      ? {}
      : {
          measured: {
            loudness: measured.integratedLufs,
            truePeak: measured.truePeakDbtp,
            durationSeconds: measured.durationSeconds,
            leadingSilenceSeconds: measured.leadingSilenceSeconds,
            trailingSilenceSeconds: measured.trailingSilenceSeconds,
          },
        }),
    problems: problems.map((p) => ({
      what: p.kind,
      message: p.message,
      ...(p.measured === undefined ? {} : { measured: p.measured }),
      ...(p.limit === undefined ? {} : { limit: p.limit }),
      ...(p.unit === undefined ? {} : { unit: p.unit }),
    })),
  }));
  const problems = result.assets.reduce((n, a) => n + a.problems.length, 0);
  lines.push({ type: 'check-summary', checked: result.assets.length, failed: result.failed, problems });
  return lines;
}
