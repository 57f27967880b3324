import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';

describe('lifecycle', () => {
  it('listens on 127.0.0.1 at a free port by default', async () => {
    const sim = await startSimulator();
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await request(`${sim.url}/api/v1/chat/credit`, { headers: { authorization: 'Bearer sim-key' } });
      expect(await res.body.json()).toEqual({ code: 200, msg: 'success', data: 100_000 });
    } finally {
      await sim.close();
    }
  });

  it('close() ends keep-alive and in-flight connections at once and refuses new ones', async () => {
    const sim = await startSimulator({ faults: { slowMs: 60_000 } });
    // a pooled keep-alive connection...
    sim.setFaults({ slowMs: 0 });
    const warm = await request(`${sim.url}/api/v1/chat/credit`, { headers: { authorization: 'Bearer sim-key' } });
    await warm.body.text();
    // ...and a request stuck in a long artificial delay
    sim.setFaults({ slowMs: 60_000 });
    const stuck = request(`${sim.url}/api/v1/chat/credit`, { headers: { authorization: 'Bearer sim-key' } });
    const settled = stuck.then(
      () => 'answered',
      () => 'failed',
    );
    await waitUntil(() => (sim.stats().creditRequests === 2 ? true : undefined));

    await sim.close();
    expect(await settled).toBe('failed');
    await expect(request(`${sim.url}/api/v1/chat/credit`)).rejects.toThrow(/ECONNREFUSED/);
    await sim.close(); // idempotent
  });

  it('close() leaves no server, socket or timer behind', async () => {
    const before = handleCounts();
    const sim = await startSimulator({ faults: { slowMs: 60_000 } });
    const stuck = Array.from({ length: 5 }, () =>
      request(`${sim.url}/api/v1/chat/credit`, { headers: { authorization: 'Bearer sim-key' } }).catch(() => 'failed'),
    );
    await waitUntil(() => (sim.stats().creditRequests === 5 ? true : undefined));
    const during = handleCounts();
    expect(during.TCPServerWrap).toBe(before.TCPServerWrap + 1);
    expect(during.Timeout).toBeGreaterThanOrEqual(before.Timeout + 5); // the five artificial delays

    await sim.close();
    expect(await Promise.all(stuck)).toEqual(Array(5).fill('failed'));
    // client-side sockets notice the close on a later turn of the event loop
    await waitUntil(() => {
      const after = handleCounts();
      return after.TCPServerWrap === before.TCPServerWrap &&
        after.TCPSocketWrap <= before.TCPSocketWrap &&
        after.Timeout <= during.Timeout - 5
        ? true
        : undefined;
    });
  });

  it('starts several independent simulators', async () => {
    const [a, b] = await Promise.all([startSimulator({ credits: 1 }), startSimulator({ credits: 2 })]);
    try {
      expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

function handleCounts(): Record<'TCPServerWrap' | 'TCPSocketWrap' | 'Timeout', number> {
  const resources = process.getActiveResourcesInfo();
  const count = (name: string) => resources.filter((r) => r === name).length;
  return { TCPServerWrap: count('TCPServerWrap'), TCPSocketWrap: count('TCPSocketWrap'), Timeout: count('Timeout') };
}

/** Resolves once `probe` returns a value, checking after each turn of the event loop. */
async function waitUntil<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 10_000; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never became true');
}
