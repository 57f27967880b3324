/**
 * What an asset's output file is: the container on disk and the encoding inside it. Pure; shared
 * by validation (does `out`'s extension fit?), the downloader (what should the bytes look like,
 * do raw samples need a WAV header?) and the simulator (what to serve).
 */

export type Container = 'mp3' | 'wav' | 'ogg';
export type Encoding = 'mp3' | 'pcm_s16le' | 'mulaw' | 'alaw' | 'opus';

export interface AudioFormat {
  /** the API's `output_format` value this describes, or `mp3_44100_128` for speech */
  name: string;
  container: Container;
  encoding: Encoding;
  sampleRate: number;
  /** kbit/s for compressed encodings */
  bitrate?: number;
  /** file extensions an `out` path may have for this format, lower case with the dot */
  extensions: readonly string[];
}

/** Every `output_format` the sound-effect model accepts (docs/kie-api.md §8). */
export const EFFECT_OUTPUT_FORMATS = [
  'mp3_22050_32',
  'mp3_44100_32',
  'mp3_44100_64',
  'mp3_44100_96',
  'mp3_44100_128',
  'mp3_44100_192',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'pcm_48000',
  'ulaw_8000',
  'alaw_8000',
  'opus_48000_32',
  'opus_48000_64',
  'opus_48000_96',
  'opus_48000_128',
  'opus_48000_192',
] as const;

export type EffectOutputFormat = (typeof EFFECT_OUTPUT_FORMATS)[number];

export const DEFAULT_EFFECT_OUTPUT_FORMAT: EffectOutputFormat = 'mp3_44100_128';

/** Text to speech takes no output_format and returns MP3 (docs/kie-api.md §8). */
export const SPEECH_FORMAT: AudioFormat = describeOutputFormat('mp3_44100_128');

export function isEffectOutputFormat(value: string): value is EffectOutputFormat {
  return (EFFECT_OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** Describes an `output_format` value; throws on a value not in EFFECT_OUTPUT_FORMATS. */
export function describeOutputFormat(name: string): AudioFormat {
  const [codec, rate, kbps] = name.split('_');
  const sampleRate = Number(rate);
  if (!isEffectOutputFormat(name) || !Number.isInteger(sampleRate)) {
    throw new RangeError(`unknown output_format ${JSON.stringify(name)}`);
  }
  switch (codec) {
    case 'mp3':
      return { name, container: 'mp3', encoding: 'mp3', sampleRate, bitrate: Number(kbps), extensions: ['.mp3'] };
    case 'pcm':
      return { name, container: 'wav', encoding: 'pcm_s16le', sampleRate, extensions: ['.wav'] };
    case 'ulaw':
      return { name, container: 'wav', encoding: 'mulaw', sampleRate, extensions: ['.wav'] };
    case 'alaw':
      return { name, container: 'wav', encoding: 'alaw', sampleRate, extensions: ['.wav'] };
    case 'opus':
      return {
        name,
        container: 'ogg',
        encoding: 'opus',
        sampleRate,
        bitrate: Number(kbps),
        extensions: ['.ogg', '.opus'],
      };
    default:
      throw new RangeError(`unknown output_format ${JSON.stringify(name)}`);
  }
}
