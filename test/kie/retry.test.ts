import { describe, expect, it } from 'vitest';
import { ApiError, KieaudioError } from '../../src/errors.js';
import { redactCause, redactSecret } from '../../src/kie/redact.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, withRetry } from '../../src/kie/retry.js';
import { sleep } from '../../src/sleep.js';

const transient = (retryAfterMs?: number): ApiError => new ApiError('E_API_UNAVAILABLE', 'down', { retryable: true, retryAfterMs });

function recorder(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

describe('backoffDelay', () => {
  it('is full jitter below an exponential ceiling capped at maxMs', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2000);
    expect(backoffDelay(10, 500, 30_000, () => 0.5)).toBe(15_000);
    expect(backoffDelay(100, 500, 30_000, () => 0.999)).toBeLessThan(30_000);
    expect(backoffDelay(5, 500, 30_000, () => 0)).toBe(0);
  });
});

describe('withRetry', () => {
  it('retries retryable errors with growing backoff, then succeeds', async () => {
    const r = recorder();
    let calls = 0;
    const value = await withRetry(
      async (attempt) => {
        expect(attempt).toBe(calls);
        if (++calls < 4) throw transient();
        return 'ok';
      },
      { sleep: r.sleep, random: () => 0.5, baseMs: 100 },
    );
    expect(value).toBe('ok');
    expect(r.delays).toEqual([50, 100, 200]);
  });

  it('gives up after `retries` and rethrows the last error', async () => {
    const r = recorder();
    let calls = 0;
    const error = transient();
    await expect(
      withRetry(
        async () => {
          calls++;
          throw error;
        },
        { retries: 2, sleep: r.sleep },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(3);
  });

  it('does not retry what is not retryable', async () => {
    let calls = 0;
    const fatal = new ApiError('E_API_AUTH', 'no', { retryable: false });
    await expect(
      withRetry(async () => {
        calls++;
        throw fatal;
      }),
    ).rejects.toBe(fatal);
    await expect(withRetry(async () => Promise.reject(new Error('plain')))).rejects.toThrow('plain');
    expect(calls).toBe(1);
  });

  it('waits at least Retry-After, bounded', async () => {
    const r = recorder();
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw transient(7_000);
        if (calls === 2) throw transient(24 * 3600_000);
        return 1;
      },
      { sleep: r.sleep, random: () => 0, baseMs: 100 },
    );
    expect(r.delays).toEqual([7_000, MAX_RETRY_AFTER_MS]);
  });

  it('honours a custom isRetryable and reports retries', async () => {
    const seen: [number, number][] = [];
    let calls = 0;
    const r = recorder();
    await withRetry(
      async () => {
        if (++calls < 3) throw new Error('flaky');
        return 1;
      },
      { isRetryable: () => true, onRetry: (_e, attempt, delay) => seen.push([attempt, delay]), sleep: r.sleep, random: () => 0 },
    );
    expect(seen).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('stops waiting as soon as it is aborted', async () => {
    const controller = new AbortController();
    const reason = new KieaudioError('E_ABORTED', 'bye');
    const started = Date.now();
    const pending = withRetry(async () => Promise.reject(transient()), {
      signal: controller.signal,
      baseMs: 60_000,
      random: () => 0.99,
    });
    setTimeout(() => controller.abort(reason), 10);
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not call fn when already aborted', async () => {
    let calls = 0;
    await expect(withRetry(async () => ++calls, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(calls).toBe(0);
  });
});

describe('sleep', () => {
  it('resolves after the delay and rejects on abort', async () => {
    await sleep(1);
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

describe('redaction', () => {
  it('removes the secret from text and from a cause chain', () => {
    const secret = 'sk-xyz-123456';
    expect(redactSecret(`a ${secret} b ${secret}`, secret)).toBe('a [redacted] b [redacted]');
    const inner = Object.assign(new Error(`header Bearer ${secret}`), { code: 'UND_ERR_X' });
    const outer = new Error('outer', { cause: new AggregateError([inner], 'many') });
    const clean = new Error('clean');
    expect(redactCause(clean, secret)).toBe(clean);
    const scrubbed = redactCause(new Error('wrap', { cause: inner }), secret) as Error;
    expect(JSON.stringify([scrubbed.message, (scrubbed.cause as Error).message, (scrubbed.cause as Error).stack])).not.toContain(secret);
    expect((scrubbed.cause as { code?: string }).code).toBe('UND_ERR_X');
    // AggregateError members are checked too; the copy drops them rather than leaking
    const agg = redactCause(outer, secret) as Error;
    expect(String((agg.cause as Error).message)).toBe('many');
    expect((agg.cause as { errors?: unknown }).errors).toBeUndefined();
  });
});
