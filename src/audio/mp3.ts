/**
 * Silent constant-bitrate MP3 files, the simulator's stand-in for generated speech and mp3_*
 * sound effects. Every frame is a real Layer III frame whose side info and main data are zero,
 * which decoders render as digital silence, so players, engines and ffprobe accept the files.
 */
import { id3v2TxxxTag } from './id3.js';
import { encodeLayer3Header, frameLengthNumerator, mpegVersionFor, samplesPerFrame } from './mpeg-frame.js';

export interface SilentMp3Options {
  /** 32000/44100/48000 (MPEG-1) or 16000/22050/24000 (MPEG-2) */
  sampleRate: number;
  /** kbit/s; must exist in the Layer III table of the version */
  bitrate: number;
  durationSeconds: number;
  /** written into an ID3v2.4 TXXX frame so that different takes differ byte-wise */
  tag?: string;
}

/** The ID3 TXXX description under which the take tag is stored. */
export const MP3_TAG_DESCRIPTION = 'kieaudio-take';

export function silentMp3(opts: SilentMp3Options): Buffer {
  const { sampleRate, bitrate, durationSeconds } = opts;
  if (!(durationSeconds > 0)) throw new RangeError(`duration must be positive, got ${durationSeconds}`);
  const version = mpegVersionFor(sampleRate);
  const perFrame = samplesPerFrame(version, 3);
  const frameCount = Math.max(1, Math.ceil(Math.round(durationSeconds * sampleRate) / perFrame));
  const numerator = frameLengthNumerator(version, 3, bitrate);
  const unpadded = Math.floor(numerator / sampleRate);

  const parts: Buffer[] = [];
  if (opts.tag !== undefined) parts.push(id3v2TxxxTag(MP3_TAG_DESCRIPTION, opts.tag));
  for (let i = 0; i < frameCount; i++) {
    // Padding slots are spread so that the first n frames hold exactly floor(n * numerator /
    // sampleRate) bytes: the average bitrate is then exact, as an encoder's padding rule makes it.
    const length = Math.floor(((i + 1) * numerator) / sampleRate) - Math.floor((i * numerator) / sampleRate);
    const frame = Buffer.alloc(length); // zero side info and main data: silence
    encodeLayer3Header(sampleRate, bitrate, length > unpadded).copy(frame, 0);
    parts.push(frame);
  }
  return Buffer.concat(parts);
}
