import { describe, expect, it } from 'vitest';
import { createPollPace } from '../../src/kie/poll-pace.js';
import type { SpareBudget } from '../../src/kie/poll-plan.js';

describe('poll pace', () => {
  it('has no budget to spare while the build still has tasks to create', () => {
    const pace = createPollPace(10);
    pace.toCreate(2);
    const leave = pace.join();
    expect(pace.spare()).toBeUndefined();
    pace.toCreate(-1);
    expect(pace.spare()).toBeUndefined();
    pace.toCreate(-1);
    expect(pace.spare()).toEqual({ inFlight: 1, pollsPerSecond: 10 });
    leave();
    expect(pace.spare()).toEqual({ inFlight: 0, pollsPerSecond: 10 });
  });

  it('counts each poll loop once, however often it leaves', () => {
    const pace = createPollPace(10);
    const first = pace.join();
    pace.join();
    first();
    first();
    expect(pace.spare()?.inFlight).toBe(1);
  });

  it('tells its listeners when budget comes free: a task leaving, or the creates ending; never while creating', () => {
    const pace = createPollPace(5);
    const heard: SpareBudget[] = [];
    const stop = pace.onChange((spare) => heard.push(spare));
    pace.toCreate(1);
    const a = pace.join();
    const b = pace.join();
    a();
    expect(heard).toEqual([]);
    pace.toCreate(-1);
    expect(heard).toEqual([{ inFlight: 1, pollsPerSecond: 5 }]);
    b();
    expect(heard).toEqual([
      { inFlight: 1, pollsPerSecond: 5 },
      { inFlight: 0, pollsPerSecond: 5 },
    ]);
    stop();
    pace.join()();
    expect(heard).toHaveLength(2);
  });
});
