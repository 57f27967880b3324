/** When the outage breaker trips, and when it does not: plain values, a clock the test moves. */
import { describe, expect, it } from 'vitest';
import { createOutageBreaker } from '../../src/build/outage-breaker.js';
import { createSubmissionGate } from '../../src/build/submission-gate.js';
import { ApiError } from '../../src/errors.js';
import type { BuildEvent } from '../../src/events.js';

const unanswered = () => new ApiError('E_NETWORK', 'timed out', { retryable: true, maybeCreated: true });
const refused = () => new ApiError('E_NETWORK', 'connection refused', { retryable: true, maybeCreated: false });
const answeredError = () => new ApiError('E_API_UNAVAILABLE', 'server error', { retryable: true, maybeCreated: false });
const pollFailed = () => new ApiError('E_NETWORK', 'connection reset', { retryable: true, noResponse: true });

function setUp() {
  const events: BuildEvent[] = [];
  const gate = createSubmissionGate((e) => events.push(e));
  const clock = { now: 0 };
  const breaker = createOutageBreaker('http://api.test', gate, 2_000, () => clock.now);
  return { events, gate, clock, breaker };
}

describe('the outage breaker', () => {
  it('trips on 3 unanswered creates in a row, and names the host', () => {
    const { gate, breaker, events } = setUp();
    breaker.note('create', unanswered());
    breaker.note('create', unanswered());
    expect(gate.closed()).toBe(false);
    breaker.note('create', unanswered());
    expect(gate.closed()).toBe(true);
    expect(gate.whyClosed()?.code).toBe('E_API_DOWN');
    expect(events).toEqual([
      expect.objectContaining({ type: 'warning', code: 'W_API_DOWN', message: expect.stringContaining('http://api.test') }),
    ]);
    // tasks already created go on: only new submissions stop
    expect(() => breaker.check()).not.toThrow();
  });

  it('does not trip when any answer comes between unanswered ones (even an error)', () => {
    const { gate, breaker } = setUp();
    for (let i = 0; i < 10; i++) {
      breaker.note('create', unanswered());
      breaker.note('create', unanswered());
      breaker.note('create', i % 2 === 0 ? undefined : answeredError());
    }
    expect(gate.closed()).toBe(false);
    expect(() => breaker.check()).not.toThrow();
  });

  it('trips on 3 refused connections in a row, suggesting the base URL', () => {
    const { gate, breaker } = setUp();
    for (let i = 0; i < 3; i++) breaker.note('create', refused());
    expect(gate.whyClosed()?.message).toMatch(/refused the connection 3 times in a row: is the API down, or is KIE_API_BASE_URL/);
  });

  it('trips on failed polls only once they span 15 first-poll delays, however many there are', () => {
    const { gate, breaker, clock } = setUp();
    for (let i = 0; i < 50; i++) breaker.note('poll', pollFailed());
    expect(gate.closed(), 'a burst of failures within a moment is a blip').toBe(false);
    clock.now += 29_999;
    breaker.note('poll', pollFailed());
    expect(gate.closed()).toBe(false);
    clock.now += 1;
    breaker.note('download', pollFailed());
    expect(gate.closed()).toBe(true);
    // the paid tasks' polls and downloads stop too: they stay in the journal for the next build
    expect(() => breaker.check()).toThrow(/looks down/);
  });

  it('a poll that gets through starts the count again', () => {
    const { gate, breaker, clock } = setUp();
    for (let i = 0; i < 10; i++) {
      breaker.note('poll', pollFailed());
      clock.now += 10_000;
      if (i % 2 === 1) breaker.note('poll');
    }
    expect(gate.closed()).toBe(false);
  });
});

describe('what the breaker does not count as an outage', () => {
  it('downloads that were answered, however badly (cut short, the wrong kind of file)', () => {
    const { gate, breaker, clock } = setUp();
    for (let i = 0; i < 20; i++) {
      breaker.note('download', new ApiError('E_DOWNLOAD', 'download: transfer interrupted after 10 bytes', { retryable: true }));
      clock.now += 10_000;
    }
    expect(gate.closed()).toBe(false);
  });
});
