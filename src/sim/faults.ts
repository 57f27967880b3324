/**
 * The switchable failure modes and their dice. A probability of 0 never consumes a random number,
 * so enabling one fault does not shift the sequence another fault sees between runs.
 */
import { type Random, seededRandom } from './prng.js';
import type { Faults } from './types.js';

export type ProbabilityFault = Exclude<keyof Faults, 'slowMs' | 'recordInvisibleMs' | 'errorsAsBodyCode'>;

export const NO_FAULTS: Readonly<Faults> = {
  http500: 0,
  connectionReset: 0,
  lostCreateResponse: 0,
  slowMs: 0,
  invalidJson: 0,
  truncatedDownload: 0,
  download404: 0,
  resultUrlForbidden: 0,
  taskFail: 0,
  burst429: 0,
  errorsAsBodyCode: true,
  recordInvisibleMs: 0,
};

export class FaultDice {
  private current: Faults;
  private readonly random: Random;

  constructor(seed: number, initial: Partial<Faults> = {}) {
    this.random = seededRandom(seed);
    this.current = { ...NO_FAULTS };
    this.set(initial);
  }

  get faults(): Readonly<Faults> {
    return this.current;
  }

  set(changes: Partial<Faults>): void {
    const next = { ...this.current, ...changes };
    for (const [name, value] of Object.entries(next)) {
      if (name === 'errorsAsBodyCode') {
        if (typeof value !== 'boolean') throw new TypeError('errorsAsBodyCode must be a boolean');
      } else if (name === 'slowMs' || name === 'recordInvisibleMs') {
        if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`${name} must be a number ≥ 0`);
      } else if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        throw new RangeError(`fault ${name} must be a probability in [0, 1], got ${String(value)}`);
      }
    }
    this.current = next;
  }

  roll(fault: ProbabilityFault): boolean {
    const p = this.current[fault];
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.random() < p;
  }
}
