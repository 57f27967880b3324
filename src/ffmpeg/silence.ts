/**
 * Silence at the ends of a file: where ffmpeg's `silencedetect` finds stretches below a level,
 * and how much of that touches the start and the end. The parser and the arithmetic are pure;
 * `detectSilence` is the one ffmpeg run.
 */
import { KieaudioError } from '../errors.js';
import { fileArg } from './input.js';
import { PROGRESS_ARGS, parseProgressSeconds } from './progress.js';
import type { FfmpegRunner } from './run.js';

export interface SilenceInterval {
  start: number;
  /** undefined when the silence lasts to the end and this ffmpeg did not say so */
  end?: number;
}

export interface EdgeSilence {
  leadingSeconds: number;
  trailingSeconds: number;
}

export interface SilenceReport extends EdgeSilence {
  durationSeconds: number;
  intervals: SilenceInterval[];
}

export interface SilenceOptions {
  /** below this level is silence, dBFS (default −50) */
  thresholdDb?: number;
  /** shortest stretch that counts, seconds (default 0.02) */
  minSeconds?: number;
  signal?: AbortSignal;
}

/** Silence within this of an end touches it (ffmpeg's timestamps are a few samples off). */
const EDGE_SECONDS = 0.005;

/** `[silencedetect @ 0x…] silence_start: 2.5` / `silence_end: 3.2 | silence_duration: 0.7`, in order. */
export function parseSilenceDetect(stderr: string): SilenceInterval[] {
  const intervals: SilenceInterval[] = [];
  for (const match of stderr.matchAll(/silence_(start|end): (-?\d+(?:\.\d+)?(?:e-?\d+)?)/g)) {
    const at = Math.max(0, Number(match[2]));
    const open = intervals.at(-1);
    if (match[1] === 'start') intervals.push({ start: at });
    else if (open !== undefined && open.end === undefined) open.end = at;
  }
  return intervals;
}

/** How much of the silence touches the start and the end of a file `durationSeconds` long. */
export function edgeSilence(intervals: readonly SilenceInterval[], durationSeconds: number): EdgeSilence {
  const first = intervals[0];
  const last = intervals.at(-1);
  const endOf = (interval: SilenceInterval) => Math.min(interval.end ?? durationSeconds, durationSeconds);
  const leading = first !== undefined && first.start <= EDGE_SECONDS ? endOf(first) : 0;
  const trailing = last !== undefined && endOf(last) >= durationSeconds - EDGE_SECONDS ? durationSeconds - last.start : 0;
  return { leadingSeconds: leading, trailingSeconds: Math.max(0, trailing) };
}

export function detectSilenceArgs(file: string, thresholdDb: number, minSeconds: number): string[] {
  const filter = `silencedetect=noise=${thresholdDb}dB:duration=${minSeconds}`;
  return ['-hide_banner', '-nostdin', ...PROGRESS_ARGS, '-i', fileArg(file), '-map', '0:a:0', '-af', filter, '-f', 'null', '-'];
}

export async function detectSilence(runner: FfmpegRunner, file: string, options: SilenceOptions = {}): Promise<SilenceReport> {
  const args = detectSilenceArgs(file, options.thresholdDb ?? -50, options.minSeconds ?? 0.02);
  const { stdout, stderr } = await runner.run(args, options.signal === undefined ? {} : { signal: options.signal });
  const durationSeconds = parseProgressSeconds(stdout);
  if (durationSeconds === undefined) {
    throw new KieaudioError('E_FFMPEG_FAILED', `ffmpeg reported no duration for ${file}`, { details: { file } });
  }
  const intervals = parseSilenceDetect(stderr);
  return { ...edgeSilence(intervals, durationSeconds), durationSeconds, intervals };
}
