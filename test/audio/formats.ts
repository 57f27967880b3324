/** Shared expectations for the audio tests: how long one frame of each format lasts. */
import type { AudioFormat } from '../../src/audio/format.js';

/** The duration granularity of a container: one MP3 frame, one Opus packet, one sample. */
export function frameSeconds(format: AudioFormat): number {
  switch (format.container) {
    case 'mp3':
      return (format.sampleRate >= 32000 ? 1152 : 576) / format.sampleRate;
    case 'ogg':
      return 0.02;
    case 'wav':
      return 1 / format.sampleRate;
  }
}
