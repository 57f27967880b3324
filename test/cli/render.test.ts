/** Lines for people: the verbose state column, credits, and the plan's summary line. */

import { describe, expect, it } from 'vitest';
import { renderEvent } from '../../src/cli/render-event.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import type { WatchEvent } from '../../src/events.js';
import type { Action, Plan, PlannedAsset } from '../../src/plan/decide.js';
import type { ResolvedAsset } from '../../src/project.js';
import { kieaudio } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { summaryEvent } from '../helpers/summary.js';

const plain = { color: false, verbose: true };

describe('event lines', () => {
  it('say how many assets a watch rebuild checked only with --verbose', () => {
    const at = new Date(2026, 0, 1, 14, 2, 31).toISOString();
    const event: WatchEvent = {
      type: 'rebuild',
      n: 1,
      at,
      changes: [{ file: 'a.yaml', change: 'changed' }],
      checked: { assets: 1, of: 300 },
    };
    expect(renderEvent(event, { ...plain, verbose: false })).toBe('── 14:02:31 a.yaml changed');
    expect(renderEvent(event, plain)).toBe('── 14:02:31 a.yaml changed · 1 of 300 assets checked');
  });

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

  it('tell a task of an earlier build from a new generation: resumed or recovered, and what it cost', () => {
    const base = { type: 'generated', asset: 'a', out: 'a.mp3', taskId: 't9', bytes: 1, placeholder: false } as const;
    expect(renderEvent({ ...base, origin: 'created', credits: 3 }, plain)).toBe('generated a.mp3  (3 credits)');
    expect(renderEvent({ ...base, origin: 'resumed' }, plain)).toBe('resumed   a.mp3  (task t9 of an earlier build, already paid for)');
    expect(renderEvent({ ...base, origin: 'resumed', credits: 3 }, plain)).toBe(
      'resumed   a.mp3  (task t9 of an earlier build, 3 credits)',
    );
    expect(renderEvent({ ...base, origin: 'recovered' }, plain)).toBe('recovered a.mp3  (task t9 fetched again from the API, no charge)');
  });

  it('the build summary names resumed and recovered assets only when there are any', () => {
    const summary = summaryEvent({ generated: 1, restored: 2, upToDate: 3, creditsUsed: 4, durationMs: 1000 });
    expect(renderEvent(summary, plain)).toBe('1 generated, 2 restored, 3 up to date, 0 failed · 4 credits used · 1.0s');
    expect(renderEvent({ ...summary, resumed: 2, recovered: 1 }, plain)).toBe(
      '1 generated, 2 resumed, 1 recovered from the API, 2 restored, 3 up to date, 0 failed · 4 credits used · 1.0s',
    );
    expect(renderEvent({ ...summary, creditsUsed: 1 }, plain)).toBe(
      '1 generated, 2 restored, 3 up to date, 0 failed · 1 credit used · 1.0s',
    );
  });
});

describe('the long effect text warning', () => {
  it('names the asset in build as in plan', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': 'version: 1\ninclude: ["*.audio.yaml"]\n',
      'sfx.audio.yaml': `assets:\n  - id: cave.rumble\n    kind: effect\n    out: rumble.mp3\n    text: ${'a'.repeat(451)}\n`,
    });
    const line = /^sfx\.audio\.yaml:5:11: warning in asset cave\.rumble: text: 451 characters; kie\.ai's backend has been seen to reject/m;
    const plan = await kieaudio(dir, ['plan']);
    expect(plan.stderr).toMatch(line);
    // the offline simulator refuses it as kie.ai does: the asset fails, the warning came first
    const build = await kieaudio(dir, ['build', '--offline']);
    expect(build.stderr).toMatch(line);
    expect(build.code).toBe(1);
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

  it('counts tasks recovered from the API apart from resumes, and shows them as "recover"', () => {
    const recover: Action = { type: 'resume', taskId: 't', createdAt: '', creditsCounted: true, recovered: true, seen: true };
    const plan: Plan = { items: [item('a.mp3', recover), item('b.mp3', { type: 'resume', taskId: 'u', createdAt: '' })], orphans: [] };
    const lines = renderPlan(plan, { color: false, verbose: false }).split('\n');
    expect(lines).toEqual([
      'recover    a.mp3  why',
      'resume     b.mp3  why',
      '0 to generate, 1 to resume (already paid for), 1 to recover from the API (free), 0 to restore, 0 up to date',
    ]);
  });
});
