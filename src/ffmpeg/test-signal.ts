/**
 * The ffmpeg arguments for an audible placeholder: a test signal in the asset's own format, so that
 * `--offline` builds exercise post-processing and `kieaudio check` without a key. Speech is a
 * voiced tone (a fundamental and its octave) whose level swings four times a second, like
 * syllables, without ever falling to silence, so `check`'s speech-rate and silence rules measure
 * it as a steady talker; effects are pink noise. Both fade in and out over a few milliseconds (no
 * clicks) and peak well below full scale.
 *
 * Same asset, same bytes: the noise has a fixed seed and every muxer and encoder runs bitexact
 * (no version strings, the Ogg stream serial fixed), and nothing of the run's time goes in. Pure.
 */
import type { AudioFormat } from '../audio/format.js';
import { fileArg } from './input.js';
import { REPRODUCIBLE } from './post-args.js';

export interface TestSignal {
  /** speech (a voice line) or an effect */
  kind: 'speech' | 'effect';
  durationSeconds: number;
  /** the container and encoding to write (audio/format.ts) */
  format: AudioFormat;
  /** speech: the fundamental, Hz (placeholderPitch gives each voice its own) */
  pitchHz?: number;
}

/** Syllables a second of the speech envelope: a plausible speaking rhythm. */
const SYLLABLE_HZ = 4;
/** Fades at each end, seconds: long enough to avoid a click, short enough to leave no dead air. */
const FADE_SECONDS = 0.01;
const DEFAULT_PITCH_HZ = 180;
/** The noise generator's seed: fixed, so the same effect is the same bytes. */
const NOISE_SEED = 7;

/** A fundamental between 110 and 260 Hz chosen by the voice's name, so that each voice sounds apart. */
export function placeholderPitch(voice: string): number {
  let hash = 0;
  for (const char of voice) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return 110 + (hash % 16) * 10;
}

/** The argument array that writes `signal` to `output` (format given explicitly: `output` may be a temp name). */
export function testSignalArgs(signal: TestSignal, output: string): string[] {
  const { format } = signal;
  const seconds = Math.max(signal.durationSeconds, 2 * FADE_SECONDS);
  const fades = `afade=t=in:d=${FADE_SECONDS},afade=t=out:st=${round(seconds - FADE_SECONDS)}:d=${FADE_SECONDS}`;
  const source = `${sourceGraph(signal, seconds)},${fades}`;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    source,
    // output options: the muxer's (no version tags, a fixed Ogg serial) and the encoder's
    ...REPRODUCIBLE,
    '-ac',
    '1',
    ...encoderArgs(format),
    '-y',
    fileArg(output),
  ];
}

function sourceGraph(signal: TestSignal, seconds: number): string {
  const rate = signal.format.sampleRate;
  if (signal.kind === 'effect') return `anoisesrc=d=${round(seconds)}:c=pink:r=${rate}:a=0.5:seed=${NOISE_SEED}`;
  const f = signal.pitchHz ?? DEFAULT_PITCH_HZ;
  // the level swings between 0.2 and 1 of the peak: syllables, never a pause (filtergraph commas escaped)
  const envelope = `(0.6+0.4*sin(2*PI*${SYLLABLE_HZ}*t))`;
  const voiced = `(0.3*sin(2*PI*${f}*t)+0.1*sin(2*PI*${2 * f}*t))`;
  return `aevalsrc=exprs=${envelope}*${voiced}:s=${rate}:d=${round(seconds)}`.replaceAll(',', '\\,');
}

function encoderArgs(format: AudioFormat): string[] {
  const rate = ['-ar', String(format.sampleRate)];
  const bitrate = format.bitrate === undefined ? [] : ['-b:a', `${format.bitrate}k`];
  switch (format.encoding) {
    case 'mp3':
      // an Info frame (so players and audio/duration.ts know the exact length), no ID3 tag
      return ['-c:a', 'libmp3lame', ...bitrate, ...rate, '-id3v2_version', '0', '-write_xing', '1', '-f', 'mp3'];
    case 'opus':
      return ['-c:a', 'libopus', ...bitrate, ...rate, '-f', 'ogg'];
    case 'pcm_s16le':
      return ['-c:a', 'pcm_s16le', ...rate, '-f', 'wav'];
    case 'mulaw':
      return ['-c:a', 'pcm_mulaw', ...rate, '-f', 'wav'];
    case 'alaw':
      return ['-c:a', 'pcm_alaw', ...rate, '-f', 'wav'];
  }
}

/** Milliseconds are plenty, and a short decimal keeps the arguments readable. */
function round(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}
