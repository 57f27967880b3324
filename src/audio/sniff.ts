/**
 * Recognises an audio container from a file's first bytes. The downloader uses it so that an
 * HTML error page, a truncated body or a file of the wrong kind is never installed at `out`.
 */
import type { Container } from './format.js';

/** How many leading bytes `sniffContainer` needs to decide. */
export const SNIFF_BYTES = 12;

export function sniffContainer(head: Uint8Array): Container | undefined {
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return 'wav';
  if (head.length >= 4 && ascii(head, 0, 4) === 'OggS') return 'ogg';
  if (head.length >= 3 && ascii(head, 0, 3) === 'ID3') return 'mp3';
  // MPEG audio frame sync: 11 set bits, a valid version/layer, and a bitrate index that is not 0b1111
  const b0 = head[0];
  const b1 = head[1];
  const b2 = head[2];
  if (b0 === 0xff && b1 !== undefined && b2 !== undefined && (b1 & 0xe0) === 0xe0) {
    const version = (b1 >> 3) & 0b11;
    const layer = (b1 >> 1) & 0b11;
    const bitrateIndex = b2 >> 4;
    const rateIndex = (b2 >> 2) & 0b11;
    if (version !== 0b01 && layer !== 0b00 && bitrateIndex !== 0b1111 && rateIndex !== 0b11) return 'mp3';
  }
  return undefined;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
