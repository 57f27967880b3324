import { describe, expect, it } from 'vitest';
import { mp3DurationSeconds } from '../../src/audio/duration.js';
import { silentMp3 } from '../../src/audio/mp3.js';
import { inspectMp3 } from './inspect/mp3.js';

describe('mp3DurationSeconds', () => {
  it('agrees with the structural validator, through an ID3 tag', () => {
    const bytes = silentMp3({ sampleRate: 44100, bitrate: 128, durationSeconds: 2.3, tag: 'take-1' });
    expect(mp3DurationSeconds(bytes)).toBeCloseTo(inspectMp3(bytes).durationSeconds, 9);
    expect(mp3DurationSeconds(bytes)).toBeGreaterThanOrEqual(2.3);
  });

  it('counts what it can of a file cut short, and nothing of what is not MP3', () => {
    const bytes = silentMp3({ sampleRate: 22050, bitrate: 32, durationSeconds: 1 });
    const cut = mp3DurationSeconds(bytes.subarray(0, Math.floor(bytes.length / 2))) ?? 0;
    expect(cut).toBeGreaterThan(0.3);
    expect(cut).toBeLessThan(0.6);
    expect(mp3DurationSeconds(Buffer.from('<html>not audio</html>'))).toBeUndefined();
    expect(mp3DurationSeconds(new Uint8Array())).toBeUndefined();
  });
});
