/**
 * A pure structural validator for downloaded or generated audio: it walks the whole file and
 * throws a descriptive Error on anything a truncated download, an error page or a broken writer
 * would leave behind. It checks structure, not sound: it decodes nothing.
 */
import type { Container } from '../../../src/audio/format.js';
import { sniffContainer } from '../../../src/audio/sniff.js';
import { inspectMp3 } from './mp3.js';
import { inspectOgg } from './ogg.js';
import { inspectWav } from './wav.js';

export interface AudioInfo {
  container: Container;
  durationSeconds: number;
  /** for Ogg Opus, the 48 kHz rate Opus always decodes at */
  sampleRate: number;
}

export function inspectAudio(bytes: Uint8Array): AudioInfo {
  const container = sniffContainer(bytes);
  switch (container) {
    case 'mp3':
      return inspectMp3(bytes);
    case 'wav':
      return inspectWav(bytes);
    case 'ogg':
      return inspectOgg(bytes);
    case undefined:
      throw new Error(`not an MP3, WAV or Ogg file (starts with ${hexHead(bytes)})`);
  }
}

function hexHead(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'nothing: the file is empty';
  return Buffer.from(bytes.subarray(0, 8)).toString('hex').replace(/(..)/g, '$1 ').trim();
}
