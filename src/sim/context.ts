/** The simulator's shared state, handed to every route handler. */
import { CreditLedger } from './credits.js';
import { FaultDice } from './faults.js';
import type { ResolvedOptions } from './options.js';
import { type Random, seededRandom } from './prng.js';
import { RateWindow } from './rate-window.js';
import { SignedUrls } from './signed-urls.js';
import { StatsRecorder } from './stats.js';
import { TaskStore } from './tasks.js';
import type { Faults } from './types.js';

export interface SimContext {
  options: ResolvedOptions;
  /** 'http://127.0.0.1:<port>', known once the server listens */
  baseUrl: string;
  now(): number;
  dice: FaultDice;
  /** latencies draw from their own stream so that toggling faults does not change them */
  latencyRandom: Random;
  tasks: TaskStore;
  credits: CreditLedger;
  stats: StatsRecorder;
  signedUrls: SignedUrls;
  createLimiter: RateWindow | undefined;
  pollLimiter: RateWindow | undefined;
  /** aborted by close(), cancelling artificial delays */
  closing: AbortSignal;
}

export function createContext(options: ResolvedOptions, faults: Partial<Faults>, closing: AbortSignal): SimContext {
  return {
    options,
    baseUrl: '',
    now: options.clock,
    dice: new FaultDice(options.seed, faults),
    latencyRandom: seededRandom(options.seed ^ 0x5bd1e995),
    tasks: new TaskStore(),
    credits: new CreditLedger(options.credits),
    stats: new StatsRecorder(),
    signedUrls: new SignedUrls(),
    createLimiter: options.rateLimit ? new RateWindow(options.rateLimit.requests, options.rateLimit.intervalMs) : undefined,
    pollLimiter: options.pollRateLimit ? new RateWindow(options.pollRateLimit.requests, options.pollRateLimit.intervalMs) : undefined,
    closing,
  };
}
