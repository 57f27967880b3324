/**
 * WAV structure: a RIFF/WAVE header whose size matches the file, chunks that each fit, a `fmt `
 * chunk before the `data` chunk, and a data chunk whose announced length is exactly what is
 * present (a truncated download announces more than it holds).
 */
import type { AudioInfo } from './inspect.js';

const KNOWN_FORMAT_TAGS = new Set([1, 3, 6, 7, 0xfffe]); // PCM, float, A-law, µ-law, extensible

interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

export function inspectWav(bytes: Uint8Array): AudioInfo {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 12) throw new Error(`WAV file is truncated: ${view.length} bytes, the RIFF header alone is 12`);
  const riffEnd = 8 + view.readUInt32LE(4);
  if (riffEnd > view.length) {
    throw new Error(`WAV file is truncated: RIFF header announces ${riffEnd} bytes, ${view.length} present`);
  }
  if (riffEnd < view.length) {
    throw new Error(`WAV file has ${view.length - riffEnd} unexpected bytes after the RIFF chunk`);
  }

  let format: WavFormat | undefined;
  let dataBytes: number | undefined;
  let offset = 12;
  while (offset < riffEnd) {
    if (offset + 8 > riffEnd) throw new Error(`WAV chunk header at offset ${offset} is truncated`);
    const id = view.toString('latin1', offset, offset + 4);
    const size = view.readUInt32LE(offset + 4);
    const bodyStart = offset + 8;
    if (bodyStart + size > riffEnd) {
      throw new Error(`WAV ${JSON.stringify(id)} chunk at offset ${offset} announces ${size} bytes, ${riffEnd - bodyStart} present`);
    }
    if (id === 'fmt ') {
      format = parseFmt(view.subarray(bodyStart, bodyStart + size), offset);
    } else if (id === 'data') {
      if (format === undefined) throw new Error('WAV "data" chunk comes before any "fmt " chunk');
      if (dataBytes !== undefined) throw new Error('WAV file has more than one "data" chunk');
      if (size % format.blockAlign !== 0) {
        throw new Error(`WAV data chunk holds ${size} bytes, not a whole number of ${format.blockAlign}-byte frames`);
      }
      dataBytes = size;
    }
    // chunks are word-aligned; a writer may omit the pad byte after the last one
    offset = Math.min(bodyStart + size + (size % 2), riffEnd);
  }
  if (format === undefined) throw new Error('WAV file has no "fmt " chunk');
  if (dataBytes === undefined) throw new Error('WAV file has no "data" chunk');
  return {
    container: 'wav',
    durationSeconds: dataBytes / format.blockAlign / format.sampleRate,
    sampleRate: format.sampleRate,
  };
}

function parseFmt(body: Buffer, offset: number): WavFormat {
  if (body.length < 16) throw new Error(`WAV "fmt " chunk at offset ${offset} is ${body.length} bytes, at least 16 expected`);
  const format: WavFormat = {
    formatTag: body.readUInt16LE(0),
    channels: body.readUInt16LE(2),
    sampleRate: body.readUInt32LE(4),
    blockAlign: body.readUInt16LE(12),
  };
  if (!KNOWN_FORMAT_TAGS.has(format.formatTag)) throw new Error(`WAV format tag ${format.formatTag} is not supported`);
  if (format.channels === 0 || format.sampleRate === 0 || format.blockAlign === 0) {
    throw new Error('WAV "fmt " chunk has zero channels, sample rate or block alignment');
  }
  const byteRate = body.readUInt32LE(8);
  if (byteRate !== format.sampleRate * format.blockAlign) {
    throw new Error(`WAV byte rate ${byteRate} does not match ${format.sampleRate} Hz × ${format.blockAlign} bytes`);
  }
  return format;
}
