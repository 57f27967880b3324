/**
 * `kieaudio check`: for people, one line per problem (asset or scene file id, out, what, measured
 * against the limit) and a closing count; for machines, a `check` line per asset and per scene
 * file and a `check-summary` (json-lines.ts).
 */
import type { CheckProblem, CheckResult } from '../commands/check.js';
import type { QualityMeasurement } from '../ffmpeg/quality.js';
import type { JsonLinePayload } from './json-lines.js';
import { paint } from './paint.js';

/** One file checked: an asset's, or a scene file (named by the scene file's id, as plan names it). */
interface CheckedFile {
  id: string;
  out: string;
  scene: boolean;
  measured?: QualityMeasurement;
  problems: CheckProblem[];
}

/** The assets' files, then the scene files. */
function checkedFiles(result: CheckResult): CheckedFile[] {
  return [
    ...result.assets.map(({ asset, ...rest }) => ({ id: asset.id, out: asset.out, scene: false, ...rest })),
    ...result.scenes.map(({ scene, ...rest }) => ({ id: scene.id, out: scene.out, scene: true, ...rest })),
  ];
}

export function renderCheck(result: CheckResult, options: { color: boolean; quiet: boolean; verbose: boolean }): string {
  const lines: string[] = [];
  const files = checkedFiles(result);
  for (const { id, out, scene, measured, problems } of files) {
    const name = `${scene ? 'scene ' : ''}${id}  ${out}`;
    for (const problem of problems) lines.push(`${paint(options.color, 'red', '✗')} ${name}  ${problem.message}`);
    if (options.verbose && problems.length === 0 && measured !== undefined) {
      lines.push(`${paint(options.color, 'green', '✓')} ${name}  ${describeMeasured(measured)}`);
    }
  }
  const checked = files.length;
  const noun = checked === 1 ? 'file' : 'files';
  if (result.failed === 0) {
    if (options.quiet) return '';
    return [...lines, `${paint(options.color, 'green', '✓')} ${checked} ${noun} checked: all pass`].join('\n');
  }
  const count = files.reduce((n, f) => n + f.problems.length, 0);
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
  const files = checkedFiles(result);
  const lines: JsonLinePayload[] = files.map(({ id, out, scene, measured, problems }) => ({
    type: 'check',
    asset: id,
    out,
    ...(scene ? { scene: true as const } : {}),
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
  const problems = files.reduce((n, f) => n + f.problems.length, 0);
  lines.push({ type: 'check-summary', checked: files.length, failed: result.failed, problems });
  return lines;
}
