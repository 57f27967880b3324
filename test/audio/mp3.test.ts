import { describe, expect, it } from 'vitest';
import { id3v2Length } from '../../src/audio/id3.js';
import { silentMp3 } from '../../src/audio/mp3.js';
import { parseMpegFrameHeader } from '../../src/audio/mpeg-frame.js';
import { inspectAudio } from './inspect/inspect.js';

function frames(bytes: Buffer): { offset: number; length: number; padding: boolean; header: Buffer }[] {
  const out = [];
  for (let offset = id3v2Length(bytes); offset < bytes.length; ) {
    const header = parseMpegFrameHeader(bytes, offset);
    out.push({ offset, length: header.frameBytes, padding: header.padding, header: bytes.subarray(offset, offset + 4) });
    offset += header.frameBytes;
  }
  return out;
}

describe('silentMp3', () => {
  it('writes MPEG-1 Layer III mono frames at 44.1 kHz with padding spread for an exact bitrate', () => {
    const bytes = silentMp3({ sampleRate: 44100, bitrate: 128, durationSeconds: 10 });
    const list = frames(bytes);
    expect(list).toHaveLength(Math.ceil((10 * 44100) / 1152));
    for (const frame of list) {
      expect(frame.header[0]).toBe(0xff);
      expect(frame.header[1]).toBe(0xfb); // MPEG-1, layer III, no CRC
      expect((frame.header[3] ?? 0) >> 6).toBe(0b11); // mono
      expect(frame.length).toBe(frame.padding ? 418 : 417);
    }
    // 144 * 128000 / 44100 = 417.959...: over n frames exactly floor(n * that) bytes
    const total = list.reduce((sum, f) => sum + f.length, 0);
    expect(total).toBe(Math.floor((list.length * 144 * 128000) / 44100));
    expect(list.some((f) => !f.padding)).toBe(true);
  });

  it('needs no padding at 48 kHz, where frames divide evenly', () => {
    const list = frames(silentMp3({ sampleRate: 48000, bitrate: 128, durationSeconds: 1 }));
    expect(list.every((f) => f.length === 384 && !f.padding)).toBe(true);
  });

  it('writes MPEG-2 frames (576 samples) for 22.05 kHz', () => {
    const bytes = silentMp3({ sampleRate: 22050, bitrate: 32, durationSeconds: 2 });
    const list = frames(bytes);
    expect(list).toHaveLength(Math.ceil((2 * 22050) / 576));
    expect(list.every((f) => f.header[1] === 0xf3)).toBe(true);
    // 72 * 32000 / 22050 = 104.48
    expect(list.every((f) => f.length === (f.padding ? 105 : 104))).toBe(true);
    expect(inspectAudio(bytes).durationSeconds).toBeCloseTo((list.length * 576) / 22050, 9);
  });

  it('leaves side info and main data zero (digital silence)', () => {
    const bytes = silentMp3({ sampleRate: 44100, bitrate: 64, durationSeconds: 0.5 });
    for (const frame of frames(bytes)) {
      expect(bytes.subarray(frame.offset + 4, frame.offset + frame.length).every((b) => b === 0)).toBe(true);
    }
  });

  it('puts the tag in an ID3v2.4 TXXX frame', () => {
    const bytes = silentMp3({ sampleRate: 44100, bitrate: 128, durationSeconds: 1, tag: 'take-123' });
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('ID3\x04');
    const tagLength = id3v2Length(bytes);
    const tag = bytes.subarray(0, tagLength);
    expect(tag.includes(Buffer.from('TXXX'))).toBe(true);
    expect(tag.includes(Buffer.from('take-123'))).toBe(true);
    expect(bytes[tagLength]).toBe(0xff);
  });

  it('rejects a bitrate the version does not have', () => {
    expect(() => silentMp3({ sampleRate: 22050, bitrate: 192, durationSeconds: 1 })).toThrow(/no 192 kbit\/s/);
    expect(() => silentMp3({ sampleRate: 11000, bitrate: 32, durationSeconds: 1 })).toThrow(RangeError);
  });
});
