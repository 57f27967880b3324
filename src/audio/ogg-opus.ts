/**
 * Silent Ogg Opus streams (RFC 7845), the simulator's stand-in for opus_48000_* sound effects.
 * Each audio packet is one 20 ms CELT frame of silence (F8 FF FE); with a bitrate the packet is
 * padded to its CBR size (RFC 6716 §3.2.5) so file sizes look like the requested bitrate.
 */
import { createHash } from 'node:crypto';
import { OGG_BOS, OGG_EOS, OGG_MAX_SEGMENTS, oggPage, segmentCount } from './ogg-page.js';

export interface SilentOggOpusOptions {
  durationSeconds: number;
  /** kbit/s; omitted = bare 3-byte packets */
  bitrate?: number;
  /** stored as a KIEAUDIO_TAKE comment so that different takes differ byte-wise */
  tag?: string;
}

export const OPUS_PRE_SKIP = 312;
export const OPUS_GRANULE_RATE = 48000;
export const OPUS_VENDOR = 'kieaudio-sim';
export const OPUS_TAKE_COMMENT = 'KIEAUDIO_TAKE';

const SAMPLES_PER_PACKET = 960; // 20 ms at 48 kHz
const SILENT_PACKET = Buffer.from([0xf8, 0xff, 0xfe]);
const PACKETS_PER_PAGE = 50; // one second per page, as encoders commonly do

export function silentOggOpus(opts: SilentOggOpusOptions): Buffer {
  if (!(opts.durationSeconds > 0)) throw new RangeError(`duration must be positive, got ${opts.durationSeconds}`);
  const totalSamples = Math.round(opts.durationSeconds * OPUS_GRANULE_RATE);
  // enough packets to cover the pre-skip plus the audio; the last granule trims the excess
  const packetCount = Math.ceil((OPUS_PRE_SKIP + totalSamples) / SAMPLES_PER_PACKET);
  const endGranule = BigInt(OPUS_PRE_SKIP + totalSamples);
  const packet = audioPacket(opts.bitrate);
  const serial = streamSerial(opts.tag);

  const pages: Buffer[] = [
    oggPage({ headerType: OGG_BOS, granulePosition: 0n, serial, sequence: 0 }, [opusHead()]),
    oggPage({ headerType: 0, granulePosition: 0n, serial, sequence: 1 }, [opusTags(opts.tag)]),
  ];
  const perPage = Math.min(PACKETS_PER_PAGE, Math.floor(OGG_MAX_SEGMENTS / segmentCount(packet.length)));
  let sequence = 2;
  for (let done = 0; done < packetCount; ) {
    const count = Math.min(perPage, packetCount - done);
    done += count;
    const last = done === packetCount;
    const granulePosition = last ? endGranule : BigInt(done * SAMPLES_PER_PACKET);
    pages.push(
      oggPage({ headerType: last ? OGG_EOS : 0, granulePosition, serial, sequence: sequence++ }, new Array<Buffer>(count).fill(packet)),
    );
  }
  return Buffer.concat(pages);
}

function opusHead(): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = 1; // channels: mono
  head.writeUInt16LE(OPUS_PRE_SKIP, 10);
  head.writeUInt32LE(OPUS_GRANULE_RATE, 12); // input sample rate
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // channel mapping family 0: mono/stereo, no table
  return head;
}

function opusTags(tag: string | undefined): Buffer {
  const comments = tag === undefined ? [] : [`${OPUS_TAKE_COMMENT}=${tag}`];
  const parts: Buffer[] = [Buffer.from('OpusTags', 'ascii'), lengthPrefixed(OPUS_VENDOR), u32(comments.length)];
  for (const comment of comments) parts.push(lengthPrefixed(comment));
  return Buffer.concat(parts);
}

/**
 * The silent packet, padded to the CBR size of `bitrate` when that is larger. Padding needs the
 * code-3 packet form: TOC, frame-count byte with the padding flag, the padding length bytes
 * (each 255 means "254 more and another byte follows"), the frame, then the zero padding.
 */
function audioPacket(bitrate: number | undefined): Buffer {
  if (bitrate === undefined) return SILENT_PACKET;
  const target = Math.round((bitrate * 1000 * 0.02) / 8);
  const frame = SILENT_PACKET.subarray(1);
  const fixed = 2 + frame.length; // TOC + frame-count byte + frame
  if (target <= fixed + 1) return SILENT_PACKET;
  for (let padding = target - fixed - 1; padding >= 0; padding--) {
    const lengthBytes = paddingLengthBytes(padding);
    if (fixed + lengthBytes.length + padding !== target) continue;
    return Buffer.concat([
      Buffer.from([(SILENT_PACKET[0] ?? 0) | 0b11, 0b0100_0001]), // code 3; CBR, padded, 1 frame
      lengthBytes,
      frame,
      Buffer.alloc(padding),
    ]);
  }
  return SILENT_PACKET;
}

function paddingLengthBytes(padding: number): Buffer {
  const bytes: number[] = [];
  let rest = padding;
  while (rest > 254) {
    bytes.push(255);
    rest -= 254;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function streamSerial(tag: string | undefined): number {
  return createHash('sha256')
    .update(tag ?? '')
    .digest()
    .readUInt32LE(0);
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([u32(bytes.length), bytes]);
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}
