import { describe, expect, it } from 'vitest';
import { describeOutputFormat, EFFECT_OUTPUT_FORMATS, SPEECH_FORMAT } from '../../src/audio/format.js';
import { generateAudio } from '../../src/audio/generate.js';
import { sniffContainer } from '../../src/audio/sniff.js';
import { WAV_HEADER_BYTES } from '../../src/audio/wav.js';
import { frameSeconds } from './formats.js';
import { inspectAudio } from './inspect/inspect.js';

const DURATIONS = [0.5, 1.3, 7];

describe('generateAudio', () => {
  describe.each(EFFECT_OUTPUT_FORMATS)('%s', (name) => {
    const format = describeOutputFormat(name);

    it.each(DURATIONS)('makes a valid %s s file of the right container and length', (seconds) => {
      const bytes = generateAudio(format, seconds, `take-${name}-${seconds}`, { wavHeader: true });
      const info = inspectAudio(bytes);
      expect(info.container).toBe(format.container);
      expect(info.sampleRate).toBe(format.container === 'ogg' ? 48000 : format.sampleRate);
      expect(Math.abs(info.durationSeconds - seconds)).toBeLessThanOrEqual(frameSeconds(format) + 1e-9);
    });

    it('is deterministic per tag and differs between tags', () => {
      const a = generateAudio(format, 1, 'take-a');
      expect(generateAudio(format, 1, 'take-a').equals(a)).toBe(true);
      expect(generateAudio(format, 1, 'take-b').equals(a)).toBe(false);
    });
  });

  it('returns bare samples for WAV formats unless a header is asked for', () => {
    for (const name of ['pcm_16000', 'pcm_44100', 'ulaw_8000', 'alaw_8000'] as const) {
      const format = describeOutputFormat(name);
      const bytesPerSample = format.encoding === 'pcm_s16le' ? 2 : 1;
      const raw = generateAudio(format, 1.5, 'take');
      expect(raw.length).toBe(Math.round(1.5 * format.sampleRate) * bytesPerSample);
      expect(sniffContainer(raw)).toBeUndefined();
      const wav = generateAudio(format, 1.5, 'take', { wavHeader: true });
      expect(wav.length).toBe(raw.length + WAV_HEADER_BYTES);
      expect(wav.subarray(WAV_HEADER_BYTES).equals(raw)).toBe(true);
    }
  });

  it('makes speech as MP3 44.1 kHz 128 kbit/s', () => {
    const info = inspectAudio(generateAudio(SPEECH_FORMAT, 3, 'speech'));
    expect(info).toMatchObject({ container: 'mp3', sampleRate: 44100 });
  });
});
