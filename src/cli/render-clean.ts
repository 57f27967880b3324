/** `clean`'s result as text for people: a line per file, then the counts. */
import type { CleanResult } from '../commands/clean.js';

export function renderClean(result: CleanResult, opts: { dryRun: boolean; cache: boolean }): string {
  const verb = opts.dryRun ? 'would remove' : 'removed';
  const lines = [
    ...result.removed.map((out) => `${verb}  ${out}`),
    ...result.keptModified.map((out) => `kept     ${out}  (edited since kieaudio wrote it)`),
    ...result.forgotten.map((out) => `${opts.dryRun ? 'would forget' : 'forgot'}   ${out}  (already deleted)`),
  ];
  if (opts.cache) lines.push(`${verb} ${result.cacheEntriesRemoved} unused cache entr${result.cacheEntriesRemoved === 1 ? 'y' : 'ies'}`);
  const temps = result.tempFilesRemoved;
  if (temps > 0) lines.push(`${verb} ${temps} temp file${temps === 1 ? '' : 's'} left by interrupted builds`);
  const n = result.unansweredForgotten;
  if (n > 0) {
    lines.push(
      `${opts.dryRun ? 'would forget' : 'forgot'} ${n} unanswered create request${n === 1 ? '' : 's'} for specs no longer declared ` +
        `(each may have been charged: the kie.ai dashboard shows your tasks)`,
    );
  }
  if (lines.length === 0) lines.push('nothing to clean');
  return lines.join('\n');
}
