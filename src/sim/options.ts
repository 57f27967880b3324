/** SimulatorOptions with every default applied and checked once, at start. */
import type {
  DownloadPacing,
  LatencyOption,
  RateLimitOption,
  ResultAudioSource,
  SimRequest,
  SimulatorOptions,
  TimingShape,
} from './types.js';

export interface ResolvedOptions {
  port: number;
  apiKeys: ReadonlySet<string>;
  latencyMs: LatencyOption;
  rateLimit: RateLimitOption | false;
  pollRateLimit: RateLimitOption | false;
  credits: number;
  seed: number;
  resultTtlMs: number;
  clock: () => number;
  onRequest: ((request: SimRequest) => void | Promise<void>) | undefined;
  downloadPacing: DownloadPacing | undefined;
  resultSeconds: number | undefined;
  timings: TimingShape;
  resultAudio: ResultAudioSource | undefined;
}

export const DEFAULT_API_KEY = 'sim-key';

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const latencyMs = options.latencyMs ?? { min: 5, max: 20 };
  const { tail } = latencyMs;
  if (
    !(latencyMs.min >= 0 && latencyMs.max >= latencyMs.min) ||
    (tail && !(tail.share >= 0 && tail.share <= 1 && tail.min >= 0 && tail.max >= tail.min))
  ) {
    throw new RangeError(`latencyMs needs 0 ≤ min ≤ max (and a tail share in 0–1), got ${JSON.stringify(latencyMs)}`);
  }
  const resolved: ResolvedOptions = {
    port: options.port ?? 0,
    apiKeys: new Set(options.apiKeys ?? [DEFAULT_API_KEY]),
    latencyMs,
    rateLimit: options.rateLimit ?? { requests: 20, intervalMs: 10_000 },
    pollRateLimit: options.pollRateLimit ?? false,
    credits: options.credits ?? 100_000,
    seed: options.seed ?? 1,
    resultTtlMs: options.resultTtlMs ?? Infinity,
    clock: options.clock ?? Date.now,
    onRequest: options.onRequest,
    downloadPacing: options.downloadPacing,
    resultSeconds: options.resultSeconds,
    timings: options.timings ?? 'characters',
    resultAudio: options.resultAudio,
  };
  const pacing = resolved.downloadPacing;
  if (pacing && !(Number.isInteger(pacing.chunkBytes) && pacing.chunkBytes >= 1 && pacing.intervalMs >= 0)) {
    throw new RangeError(`downloadPacing needs an integer chunkBytes ≥ 1 and intervalMs ≥ 0, got ${JSON.stringify(pacing)}`);
  }
  for (const limit of [resolved.rateLimit, resolved.pollRateLimit]) {
    if (limit && !(limit.requests >= 1 && limit.intervalMs > 0)) {
      throw new RangeError(`a rate limit needs requests ≥ 1 and intervalMs > 0, got ${JSON.stringify(limit)}`);
    }
  }
  return resolved;
}
