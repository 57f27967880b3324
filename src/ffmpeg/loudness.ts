/**
 * Loudness of a file as EBU R128 / ITU-R BS.1770 define it: integrated loudness (LUFS), its
 * gating threshold, loudness range and true peak (dBTP), plus the decoded duration — one ffmpeg
 * run with the `ebur128=peak=true` meter.
 *
 * Why ebur128 and not loudnorm's first pass (`print_format=json`): ebur128 only measures, at the
 * file's own signal, and its summary holds every value loudnorm's second pass takes (measured_I,
 * measured_TP, measured_LRA, measured_thresh) — so one measurement serves the lock, `check`, and
 * the first pass of normalization, and it is the meter the acceptance tests measure with.
 * loudnorm's first pass also runs its dynamic processing at 192 kHz to report `target_offset`,
 * which only its dynamic mode uses. The summary's format has been stable since ffmpeg 2.x.
 */
import { KieaudioError } from '../errors.js';
import { fileArg } from './input.js';
import { PROGRESS_ARGS, parseProgressSeconds } from './progress.js';
import type { FfmpegRunner } from './run.js';

export interface LoudnessSummary {
  /** integrated loudness, LUFS; null when nothing passed the gate (silence, or under 400 ms of sound) */
  integratedLufs: number | null;
  /** the relative gate the integrated loudness used, LUFS (loudnorm's measured_thresh) */
  thresholdLufs: number;
  /** loudness range, LU */
  lraLu: number;
  /** true peak over all channels, dBTP; null for digital silence */
  truePeakDbtp: number | null;
}

export interface LoudnessMeasurement extends LoudnessSummary {
  /** of what was measured (after `filters`), seconds */
  durationSeconds: number;
  /** the input's sample rate, Hz, when ffmpeg described it */
  sampleRate?: number;
}

export interface MeasureOptions {
  signal?: AbortSignal;
  /** filters to run before the meter (post-args.ts: the part of a chain before normalization) */
  filters?: readonly string[];
}

/** ebur128 reports −70 LUFS (its floor) when no block passed the absolute gate */
const FLOOR_LUFS = -70;

/** The values of the last ebur128 summary in ffmpeg's stderr, or undefined when there is none. */
export function parseEbur128Summary(stderr: string): LoudnessSummary | undefined {
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) return undefined;
  const summary = stderr.slice(at);
  const integrated = section(summary, 'Integrated loudness:');
  const range = section(summary, 'Loudness range:');
  const peak = section(summary, 'True peak:');
  const i = labelled(integrated, 'I');
  const threshold = labelled(integrated, 'Threshold');
  const lra = labelled(range, 'LRA');
  const tp = labelled(peak, 'Peak');
  if (i === undefined || threshold === undefined || lra === undefined || tp === undefined) return undefined;
  return {
    integratedLufs: i <= FLOOR_LUFS ? null : i,
    thresholdLufs: threshold,
    lraLu: lra,
    truePeakDbtp: Number.isFinite(tp) ? tp : null,
  };
}

/** The lines of one titled section of the summary, up to the next blank line. */
function section(summary: string, title: string): string {
  const at = summary.indexOf(title);
  if (at < 0) return '';
  const rest = summary.slice(at + title.length);
  const end = rest.search(/\n\s*\n/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** `    I:         -31.1 LUFS` → -31.1; `Peak: -inf dBFS` → -Infinity */
function labelled(lines: string, label: string): number | undefined {
  const match = new RegExp(`^\\s*${label}:\\s*(-?inf|[-+]?\\d+(?:\\.\\d+)?)\\b`, 'm').exec(lines);
  if (match?.[1] === undefined) return undefined;
  if (match[1].endsWith('inf')) return match[1].startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(match[1]);
}

/** The sample rate of the input's first audio stream, from ffmpeg's description of its input. */
export function parseInputSampleRate(stderr: string): number | undefined {
  const input = stderr.indexOf('Input #0');
  const output = stderr.indexOf('Output #0');
  const described = stderr.slice(Math.max(0, input), output < 0 ? undefined : output);
  const rate = /Stream #0:\d+.*: Audio: [^\n]*?(\d+) Hz/.exec(described)?.[1];
  return rate === undefined ? undefined : Number(rate);
}

/** The ffmpeg arguments that measure `file` (its first audio stream, after `filters`) and decode it to nowhere. */
export function measureLoudnessArgs(file: string, filters: readonly string[] = []): string[] {
  const graph = [...filters, 'ebur128=peak=true'].join(',');
  return ['-hide_banner', '-nostdin', ...PROGRESS_ARGS, '-i', fileArg(file), '-map', '0:a:0', '-af', graph, '-f', 'null', '-'];
}

export async function measureLoudness(runner: FfmpegRunner, file: string, options: MeasureOptions = {}): Promise<LoudnessMeasurement> {
  const args = measureLoudnessArgs(file, options.filters);
  const { stdout, stderr } = await runner.run(args, options.signal === undefined ? {} : { signal: options.signal });
  const summary = parseEbur128Summary(stderr);
  const durationSeconds = parseProgressSeconds(stdout);
  if (summary === undefined || durationSeconds === undefined) {
    const message = `ffmpeg measured no loudness for ${file}: its ebur128 summary or progress report is missing`;
    throw new KieaudioError('E_FFMPEG_FAILED', message, { details: { file } });
  }
  const sampleRate = parseInputSampleRate(stderr);
  return { ...summary, durationSeconds, ...(sampleRate === undefined ? {} : { sampleRate }) };
}
