import { describe, expect, it } from 'vitest';
import { SPEECH_FORMAT } from '../../src/audio/format.js';
import { renderPlan, renderStatus } from '../../src/cli/render-plan.js';
import { planBuild } from '../../src/plan/decide.js';
import type { ResolvedAsset } from '../../src/project.js';
import { specHash } from '../../src/spec/hash.js';
import type { LockFile } from '../../src/store/lock-file.js';

const H = 'a'.repeat(64);
const opts = { force: false, regenerate: false, offline: false, resendUnanswered: false };

function asset(stale: boolean): ResolvedAsset {
  return {
    id: 'inn.greet@de',
    baseId: 'inn.greet',
    language: 'de',
    kind: 'voice',
    out: 'de/greet.mp3',
    model: 'elevenlabs/text-to-speech-turbo-2-5',
    input: { text: 'Hallo', voice: 'Rachel', language_code: 'de' },
    format: SPEECH_FORMAT,
    source: { file: 'a.yaml', line: 1, col: 1, index: 0 },
    translation: { lock: '0123abcd', stale, at: { file: 'l10n/de.csv', line: 4, col: 3 } },
  };
}

function upToDate(a: ResolvedAsset) {
  const spec = specHash(a.model, a.input);
  const lock: LockFile = {
    version: 1,
    assets: { [a.out]: { id: a.id, kind: a.kind, model: a.model, input: a.input, specHash: spec, contentHash: H, size: 10 } },
  };
  return planBuild([{ asset: a, specHash: spec, output: { exists: true, contentHash: H, size: 10 } }], lock, new Map(), opts);
}

describe('a stale translation in plan and status', () => {
  it('is a note beside the state, even when the output is up to date', () => {
    const plan = upToDate(asset(true));
    expect(plan.items[0]).toMatchObject({
      action: { type: 'up-to-date' },
      note: 'source text changed since translation (l10n/de.csv:4:3)',
      reason: 'up to date; source text changed since translation (l10n/de.csv:4:3)',
    });
    // shown without --verbose: the translator has to look at it
    expect(renderPlan(plan, { color: false, verbose: false })).toContain('de/greet.mp3  up to date; source text changed since translation');
    const status = {
      project: undefined as never,
      assets: [{ id: 'inn.greet@de', out: 'de/greet.mp3', status: 'up to date' as const, reason: plan.items[0]?.reason ?? '', note: 'x' }],
      orphans: [],
      unansweredElsewhere: [],
    };
    expect(renderStatus(status, { color: false, verbose: false })).toContain(
      'de/greet.mp3  up to date; source text changed since translation',
    );
  });

  it('a translation whose lock matches says nothing more', () => {
    const plan = upToDate(asset(false));
    expect(plan.items[0]?.reason).toBe('up to date');
    expect(plan.items[0]).not.toHaveProperty('note');
    expect(renderPlan(plan, { color: false, verbose: false })).not.toContain('de/greet.mp3');
  });
});
