/**
 * Placeholder audio of a given format and length: what the simulator serves as a result and what
 * `--offline` builds write. Every output is structurally valid for its format.
 */
import type { AudioFormat } from './format.js';
import { silentMp3 } from './mp3.js';
import { silentOggOpus } from './ogg-opus.js';
import { rawSamples } from './raw.js';
import { wavHeader } from './wav.js';

/**
 * `tag` makes the bytes differ per take (an ID3/Opus comment, or the noise seed). WAV formats
 * come back as raw samples, as the API serves them, unless `wavHeader` asks for a WAV file.
 */
export function generateAudio(format: AudioFormat, durationSeconds: number, tag: string, opts: { wavHeader?: boolean } = {}): Buffer {
  switch (format.container) {
    case 'mp3':
      if (format.bitrate === undefined) throw new RangeError(`${format.name} has no bitrate`);
      return silentMp3({ sampleRate: format.sampleRate, bitrate: format.bitrate, durationSeconds, tag });
    case 'ogg':
      return silentOggOpus(format.bitrate === undefined ? { durationSeconds, tag } : { durationSeconds, bitrate: format.bitrate, tag });
    case 'wav': {
      const samples = rawSamples(format, durationSeconds, tag);
      return opts.wavHeader ? Buffer.concat([wavHeader(format, samples.length), samples]) : samples;
    }
  }
}
