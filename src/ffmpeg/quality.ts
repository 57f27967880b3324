/**
 * What `kieaudio check` needs to know about one file, from one ffmpeg run: loudness and true peak
 * (ebur128), the silences (silencedetect) and the sample peak with its flatness (astats: runs of
 * full-scale samples are clipping). The three filters pass the audio through in a chain, so a
 * file is decoded once. The parsers are pure; `measureQuality` is the run.
 */
import { KieaudioError } from '../errors.js';
import { measureLoudnessArgs, parseEbur128Summary } from './loudness.js';
import { parseProgressSeconds } from './progress.js';
import type { FfmpegRunner } from './run.js';
import { edgeSilence, parseSilenceDetect, type SilenceInterval } from './silence.js';

export interface SamplePeak {
  /** the highest sample, dBFS (astats "Peak level dB", over all channels) */
  peakDb: number;
  /** astats "Flat factor": above 0 when samples at the peak come in runs (clipping) */
  flatFactor: number;
  /** samples at the peak level */
  peakCount: number;
}

export interface QualityMeasurement {
  /** LUFS; null when nothing passed the gate (silence, or under 400 ms of sound) */
  integratedLufs: number | null;
  /** dBTP; null for digital silence */
  truePeakDbtp: number | null;
  durationSeconds: number;
  leadingSilenceSeconds: number;
  trailingSilenceSeconds: number;
  /** all the silence found, seconds (within the duration) */
  silentSeconds: number;
  /** undefined when astats said nothing (no samples) */
  samplePeak?: SamplePeak;
}

export interface QualityOptions {
  /** below this level is silence, dBFS */
  silenceThresholdDb: number;
  /** shortest silence that counts, seconds (default 0.1: pauses between words, not the gaps inside them) */
  minSilenceSeconds?: number;
  signal?: AbortSignal;
}

/** The values of astats' "Overall" section, or undefined when it has none. */
export function parseAstatsOverall(stderr: string): SamplePeak | undefined {
  const at = stderr.lastIndexOf('] Overall');
  if (at < 0) return undefined;
  const overall = stderr.slice(at);
  const value = (label: string) => {
    const match = new RegExp(`\\] ${label}: (-?inf|[-+]?\\d+(?:\\.\\d+)?)`).exec(overall)?.[1];
    if (match === undefined) return undefined;
    return match.endsWith('inf') ? Number.NEGATIVE_INFINITY : Number(match);
  };
  const peakDb = value('Peak level dB');
  const flatFactor = value('Flat factor');
  const peakCount = value('Peak count');
  if (peakDb === undefined || flatFactor === undefined || peakCount === undefined) return undefined;
  return { peakDb, flatFactor, peakCount };
}

/** Seconds of silence the intervals hold within a file `durationSeconds` long. */
export function totalSilence(intervals: readonly SilenceInterval[], durationSeconds: number): number {
  let total = 0;
  for (const { start, end } of intervals) total += Math.max(0, Math.min(end ?? durationSeconds, durationSeconds) - start);
  return Math.min(total, durationSeconds);
}

export function qualityArgs(file: string, thresholdDb: number, minSeconds: number): string[] {
  return measureLoudnessArgs(file, [`silencedetect=noise=${thresholdDb}dB:duration=${minSeconds}`, 'astats=metadata=0']);
}

export async function measureQuality(runner: FfmpegRunner, file: string, options: QualityOptions): Promise<QualityMeasurement> {
  const args = qualityArgs(file, options.silenceThresholdDb, options.minSilenceSeconds ?? 0.1);
  const { stdout, stderr } = await runner.run(args, options.signal === undefined ? {} : { signal: options.signal });
  const summary = parseEbur128Summary(stderr);
  const durationSeconds = parseProgressSeconds(stdout);
  if (summary === undefined || durationSeconds === undefined) {
    throw new KieaudioError('E_FFMPEG_FAILED', `ffmpeg measured nothing for ${file}: its ebur128 summary or progress report is missing`, {
      details: { file },
    });
  }
  const intervals = parseSilenceDetect(stderr);
  const edges = edgeSilence(intervals, durationSeconds);
  const samplePeak = parseAstatsOverall(stderr);
  return {
    integratedLufs: summary.integratedLufs,
    truePeakDbtp: summary.truePeakDbtp,
    durationSeconds,
    leadingSilenceSeconds: edges.leadingSeconds,
    trailingSilenceSeconds: edges.trailingSeconds,
    silentSeconds: totalSilence(intervals, durationSeconds),
    ...(samplePeak === undefined ? {} : { samplePeak }),
  };
}
