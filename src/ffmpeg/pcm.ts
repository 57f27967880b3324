/**
 * Decoding a file to raw samples, for what needs the audio itself rather than ffmpeg's verdict on
 * it: a file's exact length (the manifest's `durationSeconds`) and its waveform (the review page).
 * One mono pass at a low rate is enough for both and keeps memory small (16 KB per second).
 */

import { fileArg } from './input.js';
import type { FfmpegRunner } from './run.js';

/** Samples per second decoded: 0.125 ms of precision for a duration, far finer than a waveform needs. */
export const PCM_RATE = 8000;

export interface DecodedPcm {
  /** mono, signed 16-bit */
  samples: Int16Array;
  rate: number;
}

export function decodePcmArgs(file: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-i',
    fileArg(file),
    '-vn',
    '-ac',
    '1',
    '-ar',
    String(PCM_RATE),
    '-f',
    's16le',
    'pipe:1',
  ];
}

export async function decodePcm(runner: FfmpegRunner, file: string, options: { signal?: AbortSignal } = {}): Promise<DecodedPcm> {
  const { stdoutBytes } = await runner.run(decodePcmArgs(file), options.signal ? { signal: options.signal } : {});
  // copied: a Buffer from Buffer.concat may sit at an odd offset of a shared pool
  const aligned = new Uint8Array(stdoutBytes.length - (stdoutBytes.length % 2));
  aligned.set(stdoutBytes.subarray(0, aligned.length));
  return { samples: new Int16Array(aligned.buffer), rate: PCM_RATE };
}
