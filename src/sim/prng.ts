/**
 * A small seeded PRNG (mulberry32). Faults and latencies draw from it so that a test run with a
 * given seed sees the same sequence of failures every time.
 */
export type Random = () => number;

/** Uniform floats in [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
