/**
 * MPEG audio frame headers (ISO 11172-3 / 13818-3): the tables and arithmetic shared by the
 * silent-MP3 writer and the structural validator, so both agree on what a frame is.
 */

export type MpegVersion = '1' | '2' | '2.5';
export type MpegLayer = 1 | 2 | 3;

export interface MpegFrameHeader {
  version: MpegVersion;
  layer: MpegLayer;
  /** kbit/s */
  bitrate: number;
  sampleRate: number;
  padding: boolean;
  channels: 1 | 2;
  /** a 16-bit CRC follows the header */
  crc: boolean;
  /** the whole frame, header included */
  frameBytes: number;
  samplesPerFrame: number;
}

export const MPEG_HEADER_BYTES = 4;

// index 0 is "free format" and 15 is forbidden; both are rejected rather than looked up
const BITRATES: Readonly<Record<string, readonly number[]>> = {
  '1/1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1/2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1/3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2/1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2/2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2/3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};

const SAMPLE_RATES: Readonly<Record<MpegVersion, readonly number[]>> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

const VERSION_BITS: Readonly<Record<MpegVersion, number>> = { '1': 0b11, '2': 0b10, '2.5': 0b00 };

export function mpegVersionFor(sampleRate: number): MpegVersion {
  for (const version of ['1', '2', '2.5'] as const) {
    if (SAMPLE_RATES[version].includes(sampleRate)) return version;
  }
  throw new RangeError(`no MPEG audio version has sample rate ${sampleRate}`);
}

export function samplesPerFrame(version: MpegVersion, layer: MpegLayer): number {
  if (layer === 1) return 384;
  if (layer === 2) return 1152;
  return version === '1' ? 1152 : 576;
}

/**
 * Bytes in a frame times the sample rate, before the padding slot: the frame length is
 * floor(slotNumerator / sampleRate) (+ one slot when padded). Kept as an integer so writers can
 * spread padding exactly and readers compute the same length.
 */
export function frameLengthNumerator(version: MpegVersion, layer: MpegLayer, bitrate: number): number {
  if (layer === 1) return 12 * bitrate * 1000;
  if (layer === 3 && version !== '1') return 72 * bitrate * 1000;
  return 144 * bitrate * 1000;
}

export function frameBytes(version: MpegVersion, layer: MpegLayer, bitrate: number, sampleRate: number, padding: boolean): number {
  const slots = Math.floor(frameLengthNumerator(version, layer, bitrate) / sampleRate) + (padding ? 1 : 0);
  return layer === 1 ? slots * 4 : slots;
}

/** The 4 header bytes of a mono Layer III frame without CRC. */
export function encodeLayer3Header(sampleRate: number, bitrate: number, padding: boolean): Buffer {
  const version = mpegVersionFor(sampleRate);
  const bitrateIndex = bitrateTable(version, 3).indexOf(bitrate);
  if (bitrateIndex <= 0) throw new RangeError(`MPEG-${version} Layer III has no ${bitrate} kbit/s bitrate`);
  const rateIndex = SAMPLE_RATES[version].indexOf(sampleRate);
  return Buffer.from([
    0xff,
    0xe0 | (VERSION_BITS[version] << 3) | (0b01 << 1) | 1, // layer III, protection bit 1 = no CRC
    (bitrateIndex << 4) | (rateIndex << 2) | (padding ? 0b10 : 0),
    0b11_00_0_1_00, // single channel, original, no emphasis
  ]);
}

/** Parses the frame header at `offset`; throws a message naming the offset when it is not one. */
export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader {
  if (offset + MPEG_HEADER_BYTES > bytes.length) {
    throw new Error(`MP3 frame header at offset ${offset} is truncated (${bytes.length - offset} of 4 bytes present)`);
  }
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) {
    throw new Error(`no MP3 frame sync at offset ${offset}`);
  }
  const versionBits = (b1 >> 3) & 0b11;
  if (versionBits === 0b01) throw new Error(`MP3 frame at offset ${offset} has the reserved MPEG version`);
  const version: MpegVersion = versionBits === 0b11 ? '1' : versionBits === 0b10 ? '2' : '2.5';
  const layerBits = (b1 >> 1) & 0b11;
  if (layerBits === 0) throw new Error(`MP3 frame at offset ${offset} has the reserved layer`);
  const layer = (4 - layerBits) as MpegLayer;
  const bitrateIndex = b2 >> 4;
  if (bitrateIndex === 0 || bitrateIndex === 15) {
    throw new Error(`MP3 frame at offset ${offset} has ${bitrateIndex === 0 ? 'a free-format' : 'the forbidden'} bitrate index`);
  }
  const rateIndex = (b2 >> 2) & 0b11;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  if (sampleRate === undefined) throw new Error(`MP3 frame at offset ${offset} has the reserved sample rate index`);
  const bitrate = bitrateTable(version, layer)[bitrateIndex] ?? 0;
  const padding = (b2 & 0b10) !== 0;
  return {
    version,
    layer,
    bitrate,
    sampleRate,
    padding,
    channels: b3 >> 6 === 0b11 ? 1 : 2,
    crc: (b1 & 1) === 0,
    frameBytes: frameBytes(version, layer, bitrate, sampleRate, padding),
    samplesPerFrame: samplesPerFrame(version, layer),
  };
}

/** Bytes of Layer III side information after the header (and CRC). */
export function layer3SideInfoBytes(version: MpegVersion, channels: 1 | 2): number {
  if (version === '1') return channels === 1 ? 17 : 32;
  return channels === 1 ? 9 : 17;
}

function bitrateTable(version: MpegVersion, layer: MpegLayer): readonly number[] {
  const key = `${version === '1' ? '1' : '2'}/${layer}`;
  const table = BITRATES[key];
  if (!table) throw new RangeError(`no bitrate table for ${key}`);
  return table;
}
