/**
 * G.711 companding (µ-law and A-law) of 16-bit linear samples, after the ITU reference code as
 * published in Sun's g711.c. ElevenLabs' ulaw_8000 and alaw_8000 outputs are such bytes.
 */

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

export function linearToMulaw(sample: number): number {
  let magnitude = Math.trunc(sample);
  const sign = magnitude < 0 ? 0x80 : 0;
  if (sign) magnitude = -magnitude;
  magnitude = Math.min(magnitude, MULAW_CLIP) + MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

export function linearToAlaw(sample: number): number {
  let value = Math.trunc(sample) >> 3; // A-law works on 13 bits
  let mask: number;
  if (value >= 0) {
    mask = 0xd5; // sign bit set, even bits inverted
  } else {
    mask = 0x55;
    value = -value - 1;
  }
  const segment = ALAW_SEGMENT_ENDS.findIndex((end) => value <= end);
  if (segment === -1) return 0x7f ^ mask;
  const shifted = segment < 2 ? value >> 1 : value >> segment;
  return ((segment << 4) | (shifted & 0x0f)) ^ mask;
}
