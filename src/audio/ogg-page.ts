/**
 * Ogg pages (RFC 3533): writing whole packets into pages, and reading pages back. Shared by the
 * Opus writer and the structural validator.
 */
import { oggCrc32 } from './ogg-crc.js';

export const OGG_HEADER_FIXED_BYTES = 27;
export const OGG_MAX_SEGMENTS = 255;

export const OGG_CONTINUED = 0x01;
export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;

export interface OggPageFields {
  headerType: number;
  /** -1n means "no packet finishes on this page" */
  granulePosition: bigint;
  serial: number;
  sequence: number;
}

/** One page holding `packets` whole (none continues onto the next page). */
export function oggPage(fields: OggPageFields, packets: readonly Uint8Array[]): Buffer {
  const lacing: number[] = [];
  for (const packet of packets) lacing.push(...lacingValues(packet.length));
  if (lacing.length > OGG_MAX_SEGMENTS) {
    throw new RangeError(`${lacing.length} segments do not fit in one Ogg page (max ${OGG_MAX_SEGMENTS})`);
  }
  const header = Buffer.alloc(OGG_HEADER_FIXED_BYTES + lacing.length);
  header.write('OggS', 0, 'ascii');
  header[4] = 0; // stream structure version
  header[5] = fields.headerType;
  header.writeBigInt64LE(fields.granulePosition, 6);
  header.writeUInt32LE(fields.serial >>> 0, 14);
  header.writeUInt32LE(fields.sequence >>> 0, 18);
  // bytes 22-25: CRC, zero while it is computed
  header[26] = lacing.length;
  header.set(lacing, OGG_HEADER_FIXED_BYTES);
  const page = Buffer.concat([header, ...packets]);
  page.writeUInt32LE(oggCrc32(page), 22);
  return page;
}

/** How many lacing values (segments) a packet of `length` bytes needs. */
export function segmentCount(length: number): number {
  return Math.floor(length / 255) + 1;
}

// A packet is 255-byte segments then one shorter segment; a multiple of 255 ends with a 0.
function lacingValues(length: number): number[] {
  const values: number[] = new Array<number>(Math.floor(length / 255)).fill(255);
  values.push(length % 255);
  return values;
}

export interface OggPage extends OggPageFields {
  offset: number;
  /** the whole page, header included */
  byteLength: number;
  segments: number[];
  body: Uint8Array;
}

/**
 * Reads the page at `offset`, verifying the capture pattern, version, that the page fits in the
 * file and its CRC. Throws a message naming the offset on any problem.
 */
export function readOggPage(bytes: Uint8Array, offset: number): OggPage {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (offset + OGG_HEADER_FIXED_BYTES > view.length) {
    throw new Error(`Ogg page header at offset ${offset} is truncated (${view.length - offset} of 27 bytes present)`);
  }
  if (view.toString('ascii', offset, offset + 4) !== 'OggS') {
    throw new Error(`no Ogg capture pattern "OggS" at offset ${offset}`);
  }
  if (view[offset + 4] !== 0) throw new Error(`Ogg page at offset ${offset} has unknown version ${view[offset + 4]}`);
  const segmentsCount = view[offset + 26] ?? 0;
  const tableEnd = offset + OGG_HEADER_FIXED_BYTES + segmentsCount;
  if (tableEnd > view.length) throw new Error(`Ogg page at offset ${offset}: segment table is truncated`);
  const segments = [...view.subarray(offset + OGG_HEADER_FIXED_BYTES, tableEnd)];
  const bodyLength = segments.reduce((sum, n) => sum + n, 0);
  const end = tableEnd + bodyLength;
  if (end > view.length) {
    throw new Error(`Ogg page at offset ${offset} is truncated: needs ${end - offset} bytes, ${view.length - offset} present`);
  }
  const page = Buffer.from(view.subarray(offset, end));
  const stored = page.readUInt32LE(22);
  page.writeUInt32LE(0, 22);
  const computed = oggCrc32(page);
  if (stored !== computed) {
    throw new Error(`Ogg page at offset ${offset} has a bad CRC (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)})`);
  }
  return {
    offset,
    byteLength: end - offset,
    headerType: view[offset + 5] ?? 0,
    granulePosition: view.readBigInt64LE(offset + 6),
    serial: view.readUInt32LE(offset + 14),
    sequence: view.readUInt32LE(offset + 18),
    segments,
    body: view.subarray(tableEnd, end),
  };
}
