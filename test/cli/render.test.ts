/** Lines for people: the verbose state column, credits, and the plan's summary line. */
import { describe, expect, it } from 'vitest';
import { renderEvent } from '../../src/cli/render-event.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import type { Action, Plan, PlannedAsset } from '../../src/plan/decide.js';
import type { ResolvedAsset } from '../../src/project.js';

const plain = { color: false, verbose: true };

describe('event lines', () => {
  it('keep a space between the state and the path, however long the state name', () => {
    for (const state of ['queuing', 'generating', 'some-longer-state']) {
      expect(renderEvent({ type: 'state', asset: 'a', out: 'voice/a.mp3', taskId: 't', state }, plain)).toMatch(
        new RegExp(`^${state} +voice/a\\.mp3$`),
      );
    }
  });

  it('say "1 credit" and "2 credits"', () => {
    const generated = (credits: number) =>
      renderEvent({ type: 'generated', asset: 'a', out: 'a.mp3', taskId: 't', bytes: 1, credits, placeholder: false }, plain);
    expect(generated(1)).toMatch(/\(1 credit\)$/);
    expect(generated(2)).toMatch(/\(2 credits\)$/);
  });
});

describe('assets the build did not start (no credits left)', () => {
  it('are "not started", as the summary counts them, not "failed"', () => {
    const base = {
      type: 'failed',
      asset: 'a',
      out: 'a.mp3',
      code: 'E_API_CREDITS',
      message: 'not submitted: the account has no credits left',
    } as const;
    expect(renderEvent({ ...base, notStarted: true }, plain)).toMatch(/^not started a\.mp3 {2}not submitted/);
    expect(renderEvent(base, plain)).toMatch(/^failed +a\.mp3/);
  });
});

describe('the plan summary', () => {
  // only what renderPlan reads: the out, the action and the reason
  const item = (out: string, action: Action): PlannedAsset => ({ asset: { out } as ResolvedAsset, specHash: '', action, reason: 'why' });
  const summaryOf = (plan: Plan) => renderPlan(plan, { color: false, verbose: false }).split('\n').at(-1);

  it('counts resumed tasks apart from generations: they are paid for already', () => {
    const resume: Action = { type: 'resume', taskId: 't', createdAt: '2026-11-25T00:00:00Z' };
    const plan: Plan = {
      items: [item('a.mp3', { type: 'generate' }), item('b.mp3', resume), item('c.mp3', resume), item('d.mp3', { type: 'up-to-date' })],
      orphans: [],
    };
    expect(summaryOf(plan)).toBe('1 to generate, 2 to resume (already paid for), 0 to restore, 1 up to date');
    expect(summaryOf({ items: [item('a.mp3', { type: 'generate' })], orphans: [] })).toBe('1 to generate, 0 to restore, 0 up to date');
  });
});
