import { describe, expect, it } from 'vitest';
import { describeOutputFormat, EFFECT_OUTPUT_FORMATS } from '../../src/audio/format.js';
import { generateAudio } from '../../src/audio/generate.js';
import { id3v2TxxxTag } from '../../src/audio/id3.js';
import { silentMp3 } from '../../src/audio/mp3.js';
import { silentOggOpus } from '../../src/audio/ogg-opus.js';
import { OGG_EOS, oggPage, readOggPage } from '../../src/audio/ogg-page.js';
import { inspectAudio } from './inspect/inspect.js';

describe('inspectAudio', () => {
  describe.each(EFFECT_OUTPUT_FORMATS)('%s', (name) => {
    const file = generateAudio(describeOutputFormat(name), 1.3, 'take', { wavHeader: true });

    it.each([1, 3, 7])('rejects the file cut %i bytes short', (cut) => {
      expect(() => inspectAudio(file.subarray(0, file.length - cut))).toThrow(/truncated|end-of-stream|announces/);
    });

    it('rejects trailing garbage', () => {
      expect(() => inspectAudio(Buffer.concat([file, Buffer.from('garbage!')]))).toThrow();
    });
  });

  it('rejects empty files and HTML error pages', () => {
    expect(() => inspectAudio(new Uint8Array())).toThrow(/empty/);
    expect(() => inspectAudio(Buffer.from('<html><body>403 Forbidden</body></html>'))).toThrow(/not an MP3, WAV or Ogg/);
  });

  describe('MP3', () => {
    it('skips an ID3v2 tag and accepts a closing ID3v1 tag', () => {
      const frames = silentMp3({ sampleRate: 44100, bitrate: 128, durationSeconds: 1 });
      const id3v1 = Buffer.alloc(128);
      id3v1.write('TAG', 0, 'latin1');
      const info = inspectAudio(Buffer.concat([id3v2TxxxTag('k', 'v'), frames, id3v1]));
      expect(info).toEqual(inspectAudio(frames));
    });

    it('rejects an ID3 tag with nothing after it', () => {
      expect(() => inspectAudio(id3v2TxxxTag('k', 'v'))).toThrow(/no audio frames/);
    });

    it('rejects a broken frame header in the middle', () => {
      const bytes = Buffer.from(silentMp3({ sampleRate: 44100, bitrate: 128, durationSeconds: 1 }));
      bytes[417] = 0x00; // the second frame starts right after the 417-byte first one
      expect(() => inspectAudio(bytes)).toThrow(/no MP3 frame sync at offset 417/);
    });

    it('does not count a Xing/Info frame as audio', () => {
      const bytes = Buffer.from(silentMp3({ sampleRate: 48000, bitrate: 128, durationSeconds: 1.2 }));
      const plain = inspectAudio(bytes).durationSeconds;
      bytes.write('Info', 4 + 17, 'latin1');
      expect(inspectAudio(bytes).durationSeconds).toBeCloseTo(plain - 1152 / 48000, 9);
    });
  });

  describe('WAV', () => {
    const wav = generateAudio(describeOutputFormat('pcm_16000'), 1, 'take', { wavHeader: true });

    it('rejects a data chunk announcing more than the file holds', () => {
      const bytes = Buffer.from(wav);
      bytes.writeUInt32LE(bytes.readUInt32LE(40) + 100, 40);
      expect(() => inspectAudio(bytes)).toThrow(/"data" chunk at offset 36 announces/);
    });

    it('rejects a file without a fmt chunk before data', () => {
      const bytes = Buffer.from(wav);
      bytes.write('junk', 12, 'latin1');
      expect(() => inspectAudio(bytes)).toThrow(/before any "fmt " chunk/);
    });

    it('walks unknown chunks', () => {
      const list = Buffer.alloc(8 + 5 + 1);
      list.write('LIST', 0, 'latin1');
      list.writeUInt32LE(5, 4);
      const bytes = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
      bytes.writeUInt32LE(bytes.length - 8, 4);
      expect(inspectAudio(bytes)).toEqual({ container: 'wav', durationSeconds: 1, sampleRate: 16000 });
    });
  });

  describe('Ogg', () => {
    const ogg = silentOggOpus({ durationSeconds: 1, tag: 'x' });

    it('rejects a page with a bad CRC', () => {
      const bytes = Buffer.from(ogg);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
      expect(() => inspectAudio(bytes)).toThrow(/bad CRC/);
    });

    it('rejects a stream whose last page lacks EOS', () => {
      const pages = [];
      for (let offset = 0; offset < ogg.length; ) {
        const page = readOggPage(ogg, offset);
        pages.push(page);
        offset += page.byteLength;
      }
      const withoutLast = ogg.subarray(0, pages.at(-1)?.offset);
      expect(() => inspectAudio(withoutLast)).toThrow(/end-of-stream/);
    });

    it('rejects Ogg streams that are not Opus', () => {
      const page = oggPage({ headerType: 0x02 | OGG_EOS, granulePosition: 0n, serial: 1, sequence: 0 }, [Buffer.from('\x01vorbis')]);
      expect(() => inspectAudio(page)).toThrow(/OpusHead/);
    });
  });
});
