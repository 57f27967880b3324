import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/kie/rate-limiter.js';

describe('rate limiter', () => {
  it('never lets more than `requests` through in any window', async () => {
    const limiter = createRateLimiter({ requests: 5, intervalMs: 40 });
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 15 }, () =>
        limiter.acquire().then((release) => {
          times.push(Date.now());
          release(); // answered at once
        }),
      ),
    );
    times.sort((a, b) => a - b);
    for (let i = 5; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 5] ?? 0)).toBeGreaterThanOrEqual(39);
    }
    // …and runs at the limit: 15 requests at 5 per 40 ms take about two windows, not more
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeLessThan(40 * 2 + 30);
  });

  it('spaces requests when asked to', async () => {
    const limiter = createRateLimiter({ requests: 100, intervalMs: 1000, spacingMs: 10 });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      (await limiter.acquire())();
      times.push(Date.now());
    }
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(9);
  });

  it('backs off after 429s, doubling per 429 in a row, honouring Retry-After, resetting on success', () => {
    const limiter = createRateLimiter({ requests: 20, intervalMs: 10_000, now: () => 1_000_000 });
    const first = limiter.rateLimited();
    const second = limiter.rateLimited();
    const third = limiter.rateLimited();
    // one slot is 500 ms; jitter adds up to 25 %
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(625);
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(third).toBeGreaterThanOrEqual(2000);
    expect(limiter.rateLimited(7_000)).toBeGreaterThanOrEqual(7_000);
    limiter.accepted();
    expect(limiter.rateLimited()).toBeLessThanOrEqual(625);
  });

  it('holds a slot until its answer arrives, and a window after that', async () => {
    const limiter = createRateLimiter({ requests: 1, intervalMs: 30 });
    const release = await limiter.acquire();
    let second = 0;
    const next = limiter.acquire().then((r) => {
      second = Date.now();
      r();
    });
    // however long the first request takes, the second waits for its answer plus a window
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(second).toBe(0);
    const answeredAt = Date.now();
    release();
    await next;
    expect(second - answeredAt).toBeGreaterThanOrEqual(29);
  });

  it('an aborted wait rejects at once', async () => {
    const limiter = createRateLimiter({ requests: 1, intervalMs: 60_000 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
