/**
 * Pure: the duration ffmpeg decoded, from its `-progress pipe:1` report on stdout. The report is
 * machine-readable (key=value lines, a block per update, the last one ending `progress=end`) and
 * gives microseconds, where the human stats line on stderr gives hundredths.
 */

/** The arguments that make ffmpeg write the report to stdout, and nothing else there. */
export const PROGRESS_ARGS = ['-nostats', '-progress', 'pipe:1'] as const;

/** Seconds of the last `out_time_us` (or `out_time`) in a -progress report, or undefined when there is none. */
export function parseProgressSeconds(stdout: string): number | undefined {
  let seconds: number | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'out_time_us' && /^\d+$/.test(value)) seconds = Number(value) / 1e6;
    else if (key === 'out_time') seconds = clockSeconds(value) ?? seconds;
  }
  return seconds;
}

/** `00:01:02.345678` → 62.345678 */
function clockSeconds(text: string): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}
