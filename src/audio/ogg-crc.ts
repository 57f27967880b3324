/**
 * The CRC-32 of Ogg pages (RFC 3533): polynomial 0x04C11DB7, initial value 0, no reflection and
 * no final XOR. Not zlib's CRC-32, which is reflected, so node:zlib's crc32 cannot be used.
 */

const TABLE = buildTable();

export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc = ((crc << 8) ^ (TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  }
  return crc;
}

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) {
      r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    }
    table[i] = r >>> 0;
  }
  return table;
}
