/**
 * Pure: the ffmpeg arguments that join a scene's lines into one file (build/scene-file.ts). Each
 * line is brought to one sample rate, sample format and channel layout, then padded with silence
 * (or cut) to exactly its length plus the gap after it, in samples, so that where each line starts
 * in the scene file is known without measuring it: that is what the scene's subtitles are shifted
 * by. Lines of different formats and rates join all the same.
 */
import { fileArg } from './input.js';
import { ENCODERS, REPRODUCIBLE } from './post-args.js';
import type { PostFormat } from './post-chain.js';

export interface ConcatInput {
  path: string;
  /** seconds of audio the line has */
  duration: number;
}

export interface ConcatLayout {
  sampleRate: number;
  channels: 1 | 2;
  /** seconds of silence between lines */
  gap: number;
}

/** Samples each line takes in the scene file: its own length, and the gap after it unless it is the last. */
export function segmentSamples(inputs: readonly Pick<ConcatInput, 'duration'>[], layout: ConcatLayout): number[] {
  return inputs.map((input, i) => Math.round((input.duration + (i < inputs.length - 1 ? layout.gap : 0)) * layout.sampleRate));
}

/** Where each line starts in the scene file, seconds, and how long the file is. */
export function segmentOffsets(
  inputs: readonly Pick<ConcatInput, 'duration'>[],
  layout: ConcatLayout,
): { starts: number[]; duration: number } {
  const starts: number[] = [];
  let at = 0;
  for (const samples of segmentSamples(inputs, layout)) {
    starts.push(at / layout.sampleRate);
    at += samples;
  }
  return { starts, duration: at / layout.sampleRate };
}

export function concatArgs(inputs: readonly ConcatInput[], layout: ConcatLayout, format: PostFormat, output: string): string[] {
  const samples = segmentSamples(inputs, layout);
  const channelLayout = layout.channels === 1 ? 'mono' : 'stereo';
  const segments = samples.map(
    (n, i) =>
      `[${i}:a:0]aresample=${layout.sampleRate},aformat=sample_fmts=fltp:sample_rates=${layout.sampleRate}:channel_layouts=${channelLayout},` +
      `apad=whole_len=${n},atrim=end_sample=${n}[s${i}]`,
  );
  const joined = `${samples.map((_, i) => `[s${i}]`).join('')}concat=n=${samples.length}:v=0:a=1[scene]`;
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-y',
    ...inputs.flatMap((input) => ['-i', fileArg(input.path)]),
    '-filter_complex',
    [...segments, joined].join(';'),
    '-map',
    '[scene]',
    ...REPRODUCIBLE,
    ...ENCODERS[format],
    fileArg(output),
  ];
}
