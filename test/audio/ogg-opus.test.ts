import { describe, expect, it } from 'vitest';
import { oggCrc32 } from '../../src/audio/ogg-crc.js';
import { silentOggOpus } from '../../src/audio/ogg-opus.js';
import { OGG_BOS, OGG_EOS, type OggPage, readOggPage } from '../../src/audio/ogg-page.js';

function pages(bytes: Buffer): OggPage[] {
  const out: OggPage[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const page = readOggPage(bytes, offset);
    out.push(page);
    offset += page.byteLength;
  }
  return out;
}

describe('oggCrc32', () => {
  it('is the unreflected CRC-32 with polynomial 0x04C11DB7 and initial value 0', () => {
    // CRC-32/CKSUM's check value 0x765E7680 without its final XOR
    expect(oggCrc32(Buffer.from('123456789'))).toBe(0x89a1897f);
    expect(oggCrc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('silentOggOpus', () => {
  it('starts with an OpusHead BOS page and an OpusTags page', () => {
    const [head, tags] = pages(silentOggOpus({ durationSeconds: 1, tag: 'take-9' }));
    expect(head?.headerType).toBe(OGG_BOS);
    const headBody = Buffer.from(head?.body ?? []);
    expect(headBody.subarray(0, 8).toString('latin1')).toBe('OpusHead');
    expect(headBody[8]).toBe(1); // version
    expect(headBody[9]).toBe(1); // mono
    expect(headBody.readUInt16LE(10)).toBe(312);
    expect(headBody.readUInt32LE(12)).toBe(48000);
    const tagsBody = Buffer.from(tags?.body ?? []).toString('utf8');
    expect(tagsBody.startsWith('OpusTags')).toBe(true);
    expect(tagsBody).toContain('kieaudio-sim');
    expect(tagsBody).toContain('KIEAUDIO_TAKE=take-9');
    expect(tags?.granulePosition).toBe(0n);
  });

  it('sets granule positions by 20 ms packets, trims the end and flags EOS on the last page only', () => {
    const seconds = 2.51;
    const list = pages(silentOggOpus({ durationSeconds: seconds }));
    const audio = list.slice(2);
    let previous = 0n;
    for (const page of audio) {
      expect(page.granulePosition > previous).toBe(true);
      previous = page.granulePosition;
    }
    expect(audio.slice(0, -1).every((p) => (p.headerType & OGG_EOS) === 0)).toBe(true);
    expect(audio.at(-1)?.headerType).toBe(OGG_EOS);
    expect(audio.at(-1)?.granulePosition).toBe(BigInt(312 + Math.round(seconds * 48000)));
    expect(list.map((p) => p.sequence)).toEqual(list.map((_, i) => i));
    // every packet is the 3-byte silent frame
    const packets = audio.flatMap((p) => p.segments);
    expect(packets.every((n) => n === 3)).toBe(true);
    expect(packets).toHaveLength(Math.ceil((312 + seconds * 48000) / 960));
    expect(Buffer.from(audio[0]?.body.subarray(0, 3) ?? []).equals(Buffer.from([0xf8, 0xff, 0xfe]))).toBe(true);
  });

  it('pads packets to the CBR size of a bitrate, lacing packets longer than 255 bytes', () => {
    const list = pages(silentOggOpus({ durationSeconds: 1, bitrate: 192 }));
    const audio = list.slice(2);
    // 192 kbit/s × 20 ms = 480 bytes = lacing 255 + 225
    expect(audio[0]?.segments.slice(0, 4)).toEqual([255, 225, 255, 225]);
    const first = Buffer.from(audio[0]?.body.subarray(0, 480) ?? []);
    expect(first[0]).toBe(0xfb); // code 3 packet
    expect(first[1]).toBe(0x41); // CBR, padding flag, one frame
    const small = pages(silentOggOpus({ durationSeconds: 1, bitrate: 32 })).slice(2);
    expect(small[0]?.segments[0]).toBe(80);
  });
});
