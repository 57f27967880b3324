/**
 * Raw mono samples as ElevenLabs returns them for pcm_*, ulaw_8000 and alaw_8000: no header at
 * all. The content is very quiet noise (about -72 dBFS) rather than zeros so that each take,
 * seeded differently, differs byte-wise like a real generation does.
 */
import { createHash } from 'node:crypto';
import type { AudioFormat } from './format.js';
import { linearToAlaw, linearToMulaw } from './g711.js';

const NOISE_PEAK = 8; // in 16-bit sample units
/**
 * The first samples are digital zero. Noise starting with sample -1 would begin FF FF, which a
 * sniffer takes for an MPEG frame sync; raw samples must never look like a container header.
 */
const SILENT_LEAD_SAMPLES = 16;

export function rawSamples(format: AudioFormat, durationSeconds: number, seed: string): Buffer {
  if (!(durationSeconds > 0)) throw new RangeError(`duration must be positive, got ${durationSeconds}`);
  const count = Math.max(1, Math.round(durationSeconds * format.sampleRate));
  const stream = noiseStream(seed);
  let index = 0;
  const noise = (): number => (index++ < SILENT_LEAD_SAMPLES ? 0 : stream());
  switch (format.encoding) {
    case 'pcm_s16le': {
      const out = Buffer.alloc(count * 2);
      for (let i = 0; i < count; i++) out.writeInt16LE(noise(), i * 2);
      return out;
    }
    case 'mulaw':
    case 'alaw': {
      const encode = format.encoding === 'mulaw' ? linearToMulaw : linearToAlaw;
      const out = Buffer.alloc(count);
      for (let i = 0; i < count; i++) out[i] = encode(noise());
      return out;
    }
    default:
      throw new RangeError(`${format.name} is not a raw sample format`);
  }
}

/**
 * Deterministic noise in [-NOISE_PEAK, NOISE_PEAK] from SHA-256 in counter mode: reproducible for
 * a seed across platforms and Node versions, unlike Math.random.
 */
function noiseStream(seed: string): () => number {
  let block = Buffer.alloc(0);
  let index = 0;
  let counter = 0;
  return () => {
    if (index >= block.length) {
      block = createHash('sha256').update(`${seed}\0${counter++}`).digest();
      index = 0;
    }
    return ((block[index++] ?? 0) % (2 * NOISE_PEAK + 1)) - NOISE_PEAK;
  };
}
