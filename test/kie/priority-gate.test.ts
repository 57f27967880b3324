import { describe, expect, it } from 'vitest';
import { AGING_MS, createPriorityGate } from '../../src/kie/priority-gate.js';
import { createRateLimiter } from '../../src/kie/rate-limiter.js';

describe('priority gate', () => {
  it('hands a busy budget to the likeliest waiter first, equals in order', async () => {
    // one request at a time: each slot is held until released, so the waiters queue up
    const gate = createPriorityGate(createRateLimiter({ requests: 1, intervalMs: 1 }));
    const order: string[] = [];
    const first = await gate.acquire(0);
    const waits = [
      ['low', 0.1],
      ['high', 0.9],
      ['mid-a', 0.5],
      ['mid-b', 0.5],
    ].map(([name, priority]) =>
      gate.acquire(priority as number).then((release) => {
        order.push(name as string);
        release();
      }),
    );
    first();
    await Promise.all(waits);
    expect(order).toEqual(['high', 'mid-a', 'mid-b', 'low']);
  });

  it('lets an aborted waiter go without taking a slot from the others', async () => {
    const gate = createPriorityGate(createRateLimiter({ requests: 1, intervalMs: 1 }));
    const first = await gate.acquire(0);
    const controller = new AbortController();
    const aborted = gate.acquire(1, controller.signal);
    const waiting = gate.acquire(0.5);
    controller.abort();
    await expect(aborted).rejects.toThrow();
    first();
    const release = await waiting;
    release();
    // and the gate still serves a newcomer after everyone has left
    (await gate.acquire(0))();
  });
});

describe('priority gate aging', () => {
  it('serves an unlikely waiter that has waited AGING_MS before likelier newcomers: delayed, never starved', async () => {
    let clock = 0;
    const gate = createPriorityGate(createRateLimiter({ requests: 1, intervalMs: 1 }), () => clock);
    const order: string[] = [];
    const first = await gate.acquire(0);
    const noted = (name: string, priority: number) =>
      gate.acquire(priority).then((release) => {
        order.push(name);
        return release;
      });
    const waits = [noted('old, unlikely', 0.1)];
    clock = AGING_MS;
    waits.push(noted('new, likely', 1));
    first();
    (await waits[0])?.();
    (await waits[1])?.();
    expect(order).toEqual(['old, unlikely', 'new, likely']);
  });
});
