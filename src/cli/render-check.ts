/**
 * `kieaudio check`: for people, one line per problem (asset id, out, what, measured against the
 * limit) and a closing count; for machines, a `check` line per asset and a `check-summary`
 * (json-lines.ts).
 */
import type { CheckResult } from '../commands/check.js';
import type { JsonLinePayload } from './json-lines.js';
import { paint } from './paint.js';

export function renderCheck(result: CheckResult, options: { color: boolean; quiet: boolean }): string {
  const lines: string[] = [];
  for (const { asset, problems } of result.assets) {
    for (const problem of problems) lines.push(`${paint(options.color, 'red', '✗')} ${asset.id}  ${asset.out}  ${problem.message}`);
  }
  const checked = result.assets.length;
  const noun = checked === 1 ? 'file' : 'files';
  if (result.failed === 0) return options.quiet ? '' : `${paint(options.color, 'green', '✓')} ${checked} ${noun} checked: all pass`;
  const count = lines.length;
  lines.push(`check: ${count} problem${count === 1 ? '' : 's'} in ${result.failed} of ${checked} ${noun}`);
  return lines.join('\n');
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
