/**
 * How long an MP3 file plays, from its frames: an ID3v2 tag skipped, then every MPEG frame
 * counted (a Xing/Info frame carries no audio). Speech comes back from kie.ai as MP3, and a
 * voice line's timings sidecar states its length. Lenient, unlike a validator: it stops at the
 * first thing that is not a frame and returns what it counted, undefined when that is nothing.
 */
import { id3v2Length } from './id3.js';
import { layer3SideInfoBytes, MPEG_HEADER_BYTES, type MpegFrameHeader, parseMpegFrameHeader } from './mpeg-frame.js';

export function mp3DurationSeconds(bytes: Uint8Array): number | undefined {
  let offset: number;
  try {
    offset = id3v2Length(bytes);
  } catch {
    return undefined;
  }
  let samples = 0;
  let sampleRate: number | undefined;
  let first = true;
  while (offset + MPEG_HEADER_BYTES <= bytes.length) {
    let header: MpegFrameHeader;
    try {
      header = parseMpegFrameHeader(bytes, offset);
    } catch {
      break;
    }
    if (header.frameBytes < MPEG_HEADER_BYTES || offset + header.frameBytes > bytes.length) break;
    if (!(first && isInfoFrame(bytes, offset, header))) {
      samples += header.samplesPerFrame;
      sampleRate ??= header.sampleRate;
    }
    first = false;
    offset += header.frameBytes;
  }
  return sampleRate === undefined ? undefined : samples / sampleRate;
}

function isInfoFrame(bytes: Uint8Array, offset: number, header: MpegFrameHeader): boolean {
  if (header.layer !== 3) return false;
  const at = offset + MPEG_HEADER_BYTES + (header.crc ? 2 : 0) + layer3SideInfoBytes(header.version, header.channels);
  const marker = Buffer.from(bytes.subarray(at, at + 4)).toString('latin1');
  return marker === 'Xing' || marker === 'Info';
}
