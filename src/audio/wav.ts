/**
 * WAV headers. The API returns pcm_*, ulaw_8000 and alaw_8000 as raw samples; kieaudio wraps them
 * in a RIFF/WAVE header so that every output is a file a game engine can load.
 */
import type { AudioFormat } from './format.js';

export const WAV_HEADER_BYTES = 44;

const FORMAT_TAG = { pcm_s16le: 1, alaw: 6, mulaw: 7 } as const;

/** True for formats whose raw samples need a WAV header (pcm, µ-law, A-law). */
export function needsWavHeader(format: AudioFormat): boolean {
  return format.container === 'wav';
}

/** A 44-byte canonical WAV header for `dataBytes` bytes of mono samples in `format`. */
export function wavHeader(format: AudioFormat, dataBytes: number): Buffer {
  if (format.encoding !== 'pcm_s16le' && format.encoding !== 'alaw' && format.encoding !== 'mulaw') {
    throw new RangeError(`${format.name} is not a WAV format`);
  }
  const bitsPerSample = format.encoding === 'pcm_s16le' ? 16 : 8;
  const blockAlign = bitsPerSample / 8;
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(FORMAT_TAG[format.encoding], 20);
  header.writeUInt16LE(1, 22); // mono: ElevenLabs sound effects are single-channel
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
