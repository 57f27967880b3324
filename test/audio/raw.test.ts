import { describe, expect, it } from 'vitest';
import { describeOutputFormat } from '../../src/audio/format.js';
import { linearToAlaw, linearToMulaw } from '../../src/audio/g711.js';
import { rawSamples } from '../../src/audio/raw.js';
import { sniffContainer } from '../../src/audio/sniff.js';

describe('G.711', () => {
  it('encodes reference values', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });
});

describe('rawSamples', () => {
  it('makes quiet 16-bit little-endian noise at the format rate', () => {
    const bytes = rawSamples(describeOutputFormat('pcm_22050'), 2, 'seed');
    expect(bytes.length).toBe(2 * 22050 * 2);
    let peak = 0;
    let nonZero = 0;
    for (let i = 0; i < bytes.length; i += 2) {
      const sample = bytes.readInt16LE(i);
      peak = Math.max(peak, Math.abs(sample));
      if (sample !== 0) nonZero++;
    }
    expect(peak).toBeLessThanOrEqual(8);
    expect(nonZero).toBeGreaterThan(bytes.length / 4);
  });

  it('makes one byte per sample for µ-law and A-law, near their silence codes', () => {
    const mulaw = rawSamples(describeOutputFormat('ulaw_8000'), 1, 'seed');
    const alaw = rawSamples(describeOutputFormat('alaw_8000'), 1, 'seed');
    expect(mulaw.length).toBe(8000);
    expect(alaw.length).toBe(8000);
    const quietMulaw = new Set(Array.from({ length: 17 }, (_, i) => linearToMulaw(i - 8)));
    const quietAlaw = new Set(Array.from({ length: 17 }, (_, i) => linearToAlaw(i - 8)));
    expect([...mulaw].every((b) => quietMulaw.has(b))).toBe(true);
    expect([...alaw].every((b) => quietAlaw.has(b))).toBe(true);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const format = describeOutputFormat('pcm_8000');
    expect(rawSamples(format, 1, 'a').equals(rawSamples(format, 1, 'a'))).toBe(true);
    expect(rawSamples(format, 1, 'a').equals(rawSamples(format, 1, 'b'))).toBe(false);
  });

  it('refuses formats that are not raw samples', () => {
    expect(() => rawSamples(describeOutputFormat('mp3_44100_128'), 1, 'a')).toThrow(RangeError);
  });
});

describe('rawSamples never looks like a container', () => {
  it('starts every take with silence, so sniffing finds no header whatever the seed', () => {
    for (const name of ['pcm_8000', 'pcm_44100', 'ulaw_8000', 'alaw_8000'] as const) {
      const format = describeOutputFormat(name);
      for (let seed = 0; seed < 300; seed++) {
        expect(sniffContainer(rawSamples(format, 0.01, `seed-${seed}`))).toBeUndefined();
      }
    }
  });
});
