/**
 * MP3 structure: an optional ID3v2 tag, then MPEG audio frames back to back to the end of the
 * file (an ID3v1 tag may close it). Every frame header is checked and every frame must fit, so a
 * download cut short, even inside the last frame, is caught.
 */
import { id3v2Length } from '../../../src/audio/id3.js';
import { layer3SideInfoBytes, MPEG_HEADER_BYTES, type MpegFrameHeader, parseMpegFrameHeader } from '../../../src/audio/mpeg-frame.js';
import type { AudioInfo } from './inspect.js';

const ID3V1_BYTES = 128;

export function inspectMp3(bytes: Uint8Array): AudioInfo {
  const start = id3v2Length(bytes);
  const end = hasId3v1(bytes) ? bytes.length - ID3V1_BYTES : bytes.length;
  if (start >= end) throw new Error('MP3 file has no audio frames');

  let offset = start;
  let frames = 0;
  let first: MpegFrameHeader | undefined;
  let infoFrame = false;
  while (offset < end) {
    const header = parseMpegFrameHeader(bytes.subarray(0, end), offset);
    if (header.frameBytes < MPEG_HEADER_BYTES) throw new Error(`MP3 frame at offset ${offset} is too short`);
    if (offset + header.frameBytes > end) {
      throw new Error(`MP3 frame at offset ${offset} is truncated: needs ${header.frameBytes} bytes, ${end - offset} present`);
    }
    if (first === undefined) {
      first = header;
      infoFrame = isXingOrInfoFrame(bytes, offset, header);
    } else if (header.version !== first.version || header.layer !== first.layer || header.sampleRate !== first.sampleRate) {
      throw new Error(
        `MP3 frame at offset ${offset} changes format (MPEG-${header.version} layer ${header.layer} ${header.sampleRate} Hz after MPEG-${first.version} layer ${first.layer} ${first.sampleRate} Hz)`,
      );
    }
    frames++;
    offset += header.frameBytes;
  }
  if (first === undefined) throw new Error('MP3 file has no audio frames');
  // a Xing/Info frame carries metadata, not audio
  const audioFrames = infoFrame ? frames - 1 : frames;
  return {
    container: 'mp3',
    durationSeconds: (audioFrames * first.samplesPerFrame) / first.sampleRate,
    sampleRate: first.sampleRate,
  };
}

function hasId3v1(bytes: Uint8Array): boolean {
  const at = bytes.length - ID3V1_BYTES;
  return at >= 0 && bytes[at] === 0x54 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x47; // "TAG"
}

function isXingOrInfoFrame(bytes: Uint8Array, offset: number, header: MpegFrameHeader): boolean {
  if (header.layer !== 3) return false;
  const at = offset + MPEG_HEADER_BYTES + (header.crc ? 2 : 0) + layer3SideInfoBytes(header.version, header.channels);
  const marker = Buffer.from(bytes.subarray(at, at + 4)).toString('latin1');
  return marker === 'Xing' || marker === 'Info';
}
