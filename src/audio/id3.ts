/**
 * ID3v2.4 tags: enough to write one user text frame and to skip any ID3v2 tag when reading. The
 * simulator writes the take id into a tag so that two takes of the same spec differ byte-wise,
 * as real generations do.
 */

const HEADER_BYTES = 10;
const FOOTER_FLAG = 0x10;

/** An ID3v2.4 tag holding one TXXX (user-defined text) frame, UTF-8. */
export function id3v2TxxxTag(description: string, value: string): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x03]), // text encoding: UTF-8
    Buffer.from(description, 'utf8'),
    Buffer.from([0x00]),
    Buffer.from(value, 'utf8'),
  ]);
  const frameHeader = Buffer.alloc(HEADER_BYTES);
  frameHeader.write('TXXX', 0, 'ascii');
  frameHeader.set(syncsafe(body.length), 4);
  // bytes 8-9: frame flags, none
  const tagHeader = Buffer.alloc(HEADER_BYTES);
  tagHeader.write('ID3', 0, 'ascii');
  tagHeader[3] = 4; // v2.4.0
  tagHeader[4] = 0;
  tagHeader[5] = 0; // no unsynchronisation, no extended header, no footer
  tagHeader.set(syncsafe(frameHeader.length + body.length), 6);
  return Buffer.concat([tagHeader, frameHeader, body]);
}

/**
 * The total length of the ID3v2 tag at the start of `bytes` (header, body and footer), 0 when
 * there is none. Throws when the tag is announced but malformed or longer than the file.
 */
export function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 3 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  if (bytes.length < HEADER_BYTES) throw new Error(`ID3v2 tag header truncated: ${bytes.length} of 10 bytes`);
  const sizeBytes = bytes.subarray(6, 10);
  if (sizeBytes.some((b) => b > 0x7f)) throw new Error('ID3v2 tag size is not a syncsafe integer');
  const size = readSyncsafe(sizeBytes);
  const flags = bytes[5] ?? 0;
  const total = HEADER_BYTES + size + (flags & FOOTER_FLAG ? HEADER_BYTES : 0);
  if (total > bytes.length) {
    throw new Error(`ID3v2 tag announces ${total} bytes but the file has only ${bytes.length}`);
  }
  return total;
}

function syncsafe(value: number): Buffer {
  if (value >= 2 ** 28) throw new RangeError('ID3v2 size too large');
  return Buffer.from([(value >> 21) & 0x7f, (value >> 14) & 0x7f, (value >> 7) & 0x7f, value & 0x7f]);
}

function readSyncsafe(b: Uint8Array): number {
  return ((b[0] ?? 0) << 21) | ((b[1] ?? 0) << 14) | ((b[2] ?? 0) << 7) | (b[3] ?? 0);
}
