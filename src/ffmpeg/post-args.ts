/**
 * Pure: a resolved post chain → the ffmpeg arguments that process a raw take into the output.
 * Processing is two runs. The first measures the signal as normalization will see it (channels
 * converted, silence trimmed) with measureLoudness(…, { filters: firstPassFilters(chain) }); the
 * second applies everything, with the measured values given to loudnorm so it can apply one
 * linear gain (its `linear` mode) instead of its dynamic compressor, and with the trimmed length
 * the fade-out needs. Order: channels → trim → loudnorm → resample → fades → encode.
 */
import { fileArg } from './input.js';
import type { LoudnessMeasurement } from './loudness.js';
import { DEFAULT_TRUE_PEAK, type PostChain, type PostFormat, type ResolvedPostChain } from './post-chain.js';

/** What the first run measured (loudness.ts): what the second needs of it. */
export type FirstPass = Pick<
  LoudnessMeasurement,
  'integratedLufs' | 'truePeakDbtp' | 'lraLu' | 'thresholdLufs' | 'durationSeconds' | 'sampleRate'
>;

/** Encoder and muxer per format. Ogg is Vorbis: every engine that loads .ogg loads Vorbis, at any sample rate. */
export const ENCODERS: Record<PostFormat, readonly string[]> = {
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  mp3: ['-c:a', 'libmp3lame', '-q:a', '2', '-f', 'mp3'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '5', '-f', 'ogg'],
};

/**
 * Byte-identical output for identical input (no encoder version or random stream serial in the
 * file, no metadata carried over), so derived files can be cached and compared by content.
 */
export const REPRODUCIBLE = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact'];

/**
 * loudnorm's loudness-range target. kieaudio targets integrated loudness and true peak, not a
 * range; loudnorm refuses linear mode when the measured range exceeds this, so it is the maximum.
 */
const LRA_TARGET = 20;

/** Whether a chain needs the first (measuring) run: normalization needs the levels, a fade-out the length. */
export function needsFirstPass(chain: PostChain): boolean {
  return chain.loudness !== undefined || chain.fadeOutMs !== undefined;
}

/** The filters before normalization, which the first pass measures through. */
export function firstPassFilters(chain: PostChain): string[] {
  const filters: string[] = [];
  if (chain.channels !== undefined) filters.push(`aformat=channel_layouts=${chain.channels === 1 ? 'mono' : 'stereo'}`);
  if (chain.trim !== undefined) {
    // leading silence, then trailing silence as the leading silence of the reversed signal:
    // silenceremove's own end trimming would also cut pauses in the middle
    const trimStart = `silenceremove=start_periods=1:start_threshold=${num(chain.trim.thresholdDb)}dB:start_silence=${num(chain.trim.padMs / 1000)}:detection=peak`;
    filters.push(trimStart, 'areverse', trimStart, 'areverse');
  }
  return filters;
}

/**
 * The second run: `input` (the raw take) processed into `output` (a temp file: the format is
 * always named, never guessed from the extension). `firstPass` is required when needsFirstPass.
 */
export function postProcessArgs(
  chain: ResolvedPostChain,
  input: string,
  output: string,
  firstPass?: FirstPass,
  /** a corrective gain after normalization, dB (correctiveGainDb) */
  gainDb = 0,
): string[] {
  if (needsFirstPass(chain) && firstPass === undefined) {
    throw new Error('post-processing this chain needs the first pass measurements (needsFirstPass)');
  }
  const gain = gainDb === 0 ? [] : [`volume=${num(gainDb)}dB`];
  const normalize = normalizeFilters(chain, firstPass);
  // the gain goes right after loudnorm, before any resampling and the fades
  const filters = [...firstPassFilters(chain), ...normalize.slice(0, 1), ...gain, ...normalize.slice(1), ...fadeFilters(chain, firstPass)];
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-y',
    '-i',
    fileArg(input),
    '-map',
    '0:a:0',
    ...(filters.length === 0 ? [] : ['-af', filters.join(',')]),
    ...REPRODUCIBLE,
    ...ENCODERS[chain.format],
    fileArg(output),
  ];
}

/** loudnorm (in linear mode when it can), then back to a sample rate: loudnorm works and outputs at 192 kHz. */
function normalizeFilters(chain: ResolvedPostChain, firstPass: FirstPass | undefined): string[] {
  const measured = firstPass?.integratedLufs;
  // silence, or under 400 ms of sound, has no integrated loudness to normalize from: left as it is
  const normalize = chain.loudness !== undefined && firstPass !== undefined && measured !== null && measured !== undefined;
  const rate = chain.sampleRate ?? (normalize ? firstPass.sampleRate : undefined);
  if (normalize && rate === undefined) throw new Error('the first pass did not report the input sample rate');
  const resample = rate === undefined ? [] : [`aresample=${rate}`];
  if (!normalize) return resample;
  const loudnorm = [
    `I=${num(chain.loudness ?? 0)}`,
    `TP=${num(chain.truePeak ?? DEFAULT_TRUE_PEAK)}`,
    `LRA=${LRA_TARGET}`,
    `measured_I=${num(clamp(measured, -99, 0))}`,
    `measured_TP=${num(clamp(firstPass.truePeakDbtp ?? -99, -99, 99))}`,
    // loudnorm (4.1 at least) takes a measured range of 0 for "not measured" and then stays dynamic
    `measured_LRA=${num(clamp(firstPass.lraLu, 0.1, 99))}`,
    `measured_thresh=${num(clamp(firstPass.thresholdLufs, -99, 0))}`,
    'linear=true',
    'print_format=none',
  ];
  return [`loudnorm=${loudnorm.join(':')}`, ...resample];
}

/** How far the written file may measure from the loudness target before a corrective pass (contract). */
export const LOUDNESS_TOLERANCE_LU = 0.5;

/**
 * The corrective gain for a normalized output that measured more than LOUDNESS_TOLERANCE_LU off
 * its target (lossy encoders shift loudness a little; loudnorm's dynamic mode misses on short
 * clips), never raising the true peak above the chain's ceiling; 0 when none is needed or possible.
 */
export function correctiveGainDb(chain: PostChain, output: Pick<LoudnessMeasurement, 'integratedLufs' | 'truePeakDbtp'>): number {
  if (chain.loudness === undefined || output.integratedLufs === null) return 0;
  const off = chain.loudness - output.integratedLufs;
  if (Math.abs(off) <= LOUDNESS_TOLERANCE_LU) return 0;
  const headroom = (chain.truePeak ?? DEFAULT_TRUE_PEAK) - (output.truePeakDbtp ?? Number.NEGATIVE_INFINITY);
  return Number(Math.min(off, headroom).toFixed(2));
}

function fadeFilters(chain: PostChain, firstPass: FirstPass | undefined): string[] {
  const fades: string[] = [];
  const length = firstPass?.durationSeconds;
  if (chain.fadeInMs !== undefined && chain.fadeInMs > 0) {
    const d = length === undefined ? chain.fadeInMs / 1000 : Math.min(chain.fadeInMs / 1000, length);
    fades.push(`afade=t=in:st=0:d=${num(d)}`);
  }
  if (chain.fadeOutMs !== undefined && chain.fadeOutMs > 0 && length !== undefined) {
    const d = Math.min(chain.fadeOutMs / 1000, length);
    fades.push(`afade=t=out:st=${num(length - d)}:d=${num(d)}`);
  }
  return fades;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** A number as a filter argument: plain decimal, never exponent notation, at most 6 decimals. */
function num(value: number): string {
  return Number(value.toFixed(6)).toString();
}
