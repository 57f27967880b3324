/** What the first Ctrl-C says, from the events so far: only what is true. */
import { describe, expect, it } from 'vitest';
import { createActivity } from '../../src/cli/activity.js';
import { BuildSummarySchema, type WatchEvent } from '../../src/events.js';

const planned = (out: string, action: 'generate' | 'resume' | 'up-to-date'): WatchEvent => ({
  type: 'planned',
  asset: out,
  out,
  action,
  reason: 'new',
});
// every count 0: only the type matters here
const summary = {
  type: 'summary',
  ...Object.fromEntries(Object.keys(BuildSummarySchema.shape).map((key) => [key, 0])),
  placeholders: false,
} as WatchEvent;

describe('the Ctrl-C notice', () => {
  it('is nothing while idle: before a build, and in watch mode between builds', () => {
    const activity = createActivity();
    expect(activity.stopNotice()).toBeUndefined();
    for (const event of [{ type: 'rebuild', n: 0, at: 'now', changes: [] }, planned('a.mp3', 'generate'), summary] as WatchEvent[]) {
      activity.apply(event);
    }
    activity.apply({ type: 'watching', config: 'kieaudio.config.yaml', specFiles: 1 });
    expect(activity.stopNotice()).toBeUndefined();
    activity.apply({ type: 'rebuild-error', n: 1, code: 'E_VALIDATION', message: 'invalid' });
    expect(activity.stopNotice()).toBeUndefined();
  });

  it('mentions tasks in flight only while there are some, and counts them', () => {
    const activity = createActivity();
    activity.apply(planned('a.mp3', 'generate'));
    activity.apply(planned('b.mp3', 'generate'));
    expect(activity.stopNotice()).toBe('stopping: no new tasks (Ctrl-C again to quit at once)');
    activity.apply({ type: 'submitted', asset: 'a', out: 'a.mp3', taskId: 't1', model: 'm' });
    expect(activity.stopNotice()).toBe(
      'stopping: no new tasks; the task in flight stays in the journal for the next build (Ctrl-C again to quit at once)',
    );
    activity.apply({ type: 'submitted', asset: 'b', out: 'b.mp3', taskId: 't2', model: 'm' });
    activity.apply(planned('c.mp3', 'resume'));
    expect(activity.stopNotice()).toMatch(/^stopping: no new tasks; the 3 tasks in flight stay in the journal/);
    activity.apply({ type: 'generated', asset: 'a', out: 'a.mp3', taskId: 't1', bytes: 1, placeholder: false });
    activity.apply({ type: 'failed', asset: 'b', out: 'b.mp3', code: 'E_TASK_FAILED', message: 'no' });
    activity.apply({ type: 'generated', asset: 'c', out: 'c.mp3', taskId: 't3', bytes: 1, placeholder: false });
    expect(activity.stopNotice()).toBe('stopping: no new tasks (Ctrl-C again to quit at once)');
    activity.apply(summary);
    expect(activity.stopNotice()).toBeUndefined();
  });
});
