import { describe, expect, it } from 'vitest';
import { SPEECH_FORMAT } from '../../src/audio/format.js';
import { type AssetFacts, planBuild } from '../../src/plan/decide.js';
import type { LockTask } from '../../src/plan/lock-results.js';
import type { ResolvedAsset } from '../../src/project.js';
import { specHash } from '../../src/spec/hash.js';
import type { LockEntry, LockFile } from '../../src/store/lock-file.js';
import type { OutputState } from '../../src/store/stat-index.js';

const H = (c: string) => c.repeat(64);

function asset(out: string, input: Record<string, unknown>, model = 'elevenlabs/text-to-speech-turbo-2-5'): ResolvedAsset {
  return { id: out, kind: 'voice', out, model, input, format: SPEECH_FORMAT, source: { file: 'a.yaml', line: 1, col: 1, index: 0 } };
}

function entry(a: ResolvedAsset, contentHash: string, extra: Partial<LockEntry> = {}): LockEntry {
  return { id: a.id, kind: a.kind, model: a.model, input: a.input, specHash: specHash(a.model, a.input), contentHash, size: 10, ...extra };
}

function facts(a: ResolvedAsset, output: OutputState, extra: Partial<AssetFacts> = {}): AssetFacts {
  return { asset: a, specHash: specHash(a.model, a.input), output, ...extra };
}

const opts = { force: false, regenerate: false, offline: false, resendUnanswered: false };
const file = (contentHash: string): OutputState => ({ exists: true, contentHash, size: 10 });
const missing: OutputState = { exists: false };

function lockOf(...entries: Array<[string, LockEntry]>): LockFile {
  return { version: 1, assets: Object.fromEntries(entries) };
}

describe('planBuild', () => {
  const a = asset('a.mp3', { text: 'hi', voice: 'Rachel' });

  it('up to date when the file holds the locked content of the current spec', () => {
    const plan = planBuild([facts(a, file(H('1')))], lockOf(['a.mp3', entry(a, H('1'))]), new Map(), opts);
    expect(plan.items[0]).toMatchObject({ action: { type: 'up-to-date' }, reason: 'up to date' });
  });

  it('new asset with nothing anywhere → generate "new"', () => {
    const plan = planBuild([facts(a, missing)], lockOf(), new Map(), opts);
    expect(plan.items[0]).toMatchObject({ action: { type: 'generate' }, reason: 'new' });
  });

  it('names the changed fields', () => {
    const old = asset('a.mp3', { text: 'hello', voice: 'George', speed: 1 });
    const plan = planBuild([facts(a, file(H('1')))], lockOf(['a.mp3', entry(old, H('1'))]), new Map(), opts);
    expect(plan.items[0]?.reason).toBe('speed, text and voice changed');
    const modelChange = asset('a.mp3', a.input, 'elevenlabs/text-to-speech-multilingual-v2');
    const plan2 = planBuild([facts(modelChange, file(H('1')))], lockOf(['a.mp3', entry(a, H('1'))]), new Map(), opts);
    expect(plan2.items[0]?.reason).toBe('model changed');
  });

  it('missing output in cache → restore; with a journal task → resume; --regenerate → generate', () => {
    const cached = { contentHash: H('2'), size: 10, model: a.model };
    const lock = lockOf(['a.mp3', entry(a, H('2'))]);
    expect(planBuild([facts(a, missing, { cached })], lock, new Map(), opts).items[0]).toMatchObject({
      action: { type: 'restore', source: { kind: 'cache' } },
      reason: 'output missing, restoring from cache',
    });
    const journal = {
      specHash: specHash(a.model, a.input),
      state: 'created' as const,
      taskId: 't1',
      model: a.model,
      baseUrl: 'x',
      out: 'a.mp3',
      createdAt: '',
    };
    expect(planBuild([facts(a, missing, { journal })], lock, new Map(), opts).items[0]).toMatchObject({
      action: { type: 'resume', taskId: 't1' },
    });
    expect(planBuild([facts(a, file(H('2')), { cached })], lock, new Map(), { ...opts, regenerate: true }).items[0]).toMatchObject({
      action: { type: 'generate' },
      reason: '--regenerate',
    });
  });

  it('a hand-edited file is kept unless --force; --force restores from the cache when it can', () => {
    const cached = { contentHash: H('1'), size: 10, model: a.model };
    const lock = lockOf(['a.mp3', entry(a, H('1'))]);
    expect(planBuild([facts(a, file(H('9')), { cached })], lock, new Map(), opts).items[0]).toMatchObject({
      action: { type: 'keep-modified' },
      reason: 'edited by hand; left alone (use --force to replace it)',
    });
    expect(planBuild([facts(a, file(H('9')), { cached })], lock, new Map(), { ...opts, force: true }).items[0]).toMatchObject({
      action: { type: 'restore' },
      reason: 'edited by hand, --force, restoring from cache',
    });
  });

  it('a folder at out is never replaced, even with --force: --force cannot help, so it is not suggested', () => {
    const folder: OutputState = { exists: true, contentHash: undefined, size: 4096 };
    for (const force of [false, true]) {
      expect(planBuild([facts(a, folder)], lockOf(), new Map(), { ...opts, force }).items[0]).toMatchObject({
        action: { type: 'keep-modified' },
        reason: 'a folder (or another non-file) is there; kieaudio never replaces one, even with --force: move or remove it',
      });
    }
  });

  it('a file with no lock entry is foreign unless it is exactly the cached result (then adopted)', () => {
    const cached = { contentHash: H('3'), size: 10, model: a.model };
    expect(planBuild([facts(a, file(H('4')), { cached })], lockOf(), new Map(), opts).items[0]?.reason).toBe(
      'exists but was not made by kieaudio; left alone (use --force to replace it)',
    );
    expect(planBuild([facts(a, file(H('3')), { cached })], lockOf(), new Map(), opts).items[0]).toMatchObject({
      action: { type: 'adopt', contentHash: H('3') },
    });
  });

  it('a moved asset copies its old intact file when the cache is empty; the old path is an orphan', () => {
    const moved = asset('b.mp3', a.input);
    const lock = lockOf(['a.mp3', entry(a, H('5'))]);
    const plan = planBuild([facts(moved, missing)], lock, new Map([['a.mp3', file(H('5'))]]), opts);
    expect(plan.items[0]).toMatchObject({
      action: { type: 'restore', source: { kind: 'output', out: 'a.mp3' } },
      reason: 'new, copying a.mp3',
    });
    expect(plan.orphans).toEqual([expect.objectContaining({ out: 'a.mp3', intact: true, exists: true })]);
    // …but never from a file that was edited since
    const edited = planBuild([facts(moved, missing)], lock, new Map([['a.mp3', file(H('6'))]]), opts);
    expect(edited.items[0]?.action.type).toBe('generate');
    expect(edited.orphans[0]?.intact).toBe(false);
  });

  it('placeholders are up to date offline and stale otherwise', () => {
    const lock = lockOf(['a.mp3', entry(a, H('7'), { placeholder: true })]);
    expect(planBuild([facts(a, file(H('7')))], lock, new Map(), { ...opts, offline: true }).items[0]?.action.type).toBe('up-to-date');
    expect(planBuild([facts(a, file(H('7')))], lock, new Map(), opts).items[0]).toMatchObject({
      action: { type: 'generate' },
      reason: 'placeholder from --offline',
    });
  });
});

describe('an empty file where kieaudio installed one', () => {
  it('is what a power cut leaves of an unsynced copy: restored, not "edited by hand"', () => {
    const a = asset('a.mp3', { text: 'hi', voice: 'Rachel' });
    const cached = { contentHash: H('1'), size: 10, model: a.model };
    const empty: OutputState = { exists: true, contentHash: H('e'), size: 0 };
    const plan = planBuild([facts(a, empty, { cached })], lockOf(['a.mp3', entry(a, H('1'))]), new Map(), opts);
    expect(plan.items[0]).toMatchObject({ action: { type: 'restore' }, reason: 'output missing, restoring from cache' });
  });
});

describe('the lock names a task for a spec with nothing local left', () => {
  const a = asset('a.mp3', { text: 'hi', voice: 'Rachel' });
  const lock = lockOf(['a.mp3', entry(a, H('1'), { taskId: 't1' })]);
  const task = (status: LockTask['status'], extra: Partial<LockTask> = {}): LockTask => ({ taskId: 't1', status, ...extra });

  it('is fetched again from the API: a resume of that task, never counted as credits, no "not visible yet" wait', () => {
    const plan = planBuild(
      [facts(a, missing, { lockTask: task('recoverable', { generatedAt: '2026-01-01T00:00:00.000Z' }) })],
      lock,
      new Map(),
      opts,
    );
    expect(plan.items[0]).toMatchObject({
      action: { type: 'resume', taskId: 't1', recovered: true, creditsCounted: true, seen: true, createdAt: '2026-01-01T00:00:00.000Z' },
      reason: 'output missing, recoverable from the API (task t1)',
      cause: 'missing',
    });
  });

  it('only when nothing local has it: the journal, the cache and another output come first', () => {
    const lockTask = task('recoverable');
    const cached = { contentHash: H('1'), size: 10, model: a.model };
    expect(planBuild([facts(a, missing, { lockTask, cached })], lock, new Map(), opts).items[0]?.action.type).toBe('restore');
    const b = asset('b.mp3', a.input);
    const both = planBuild(
      [facts(a, missing, { lockTask }), facts(b, file(H('1')))],
      lockOf(['b.mp3', entry(b, H('1'), { taskId: 't1' })]),
      new Map(),
      opts,
    );
    expect(both.items[0]).toMatchObject({ action: { type: 'restore', source: { kind: 'output', out: 'b.mp3' } } });
    expect(planBuild([facts(a, missing, { lockTask })], lock, new Map(), { ...opts, regenerate: true }).items[0]).toMatchObject({
      action: { type: 'generate' },
      reason: '--regenerate',
    });
  });

  it('assets that share the spec download it once: the others copy the recovered result', () => {
    const b = asset('b.mp3', a.input);
    const lockTask = task('recoverable');
    const plan = planBuild([facts(a, missing, { lockTask }), facts(b, missing, { lockTask })], lock, new Map(), opts);
    expect(plan.items.map((i) => i.action.type)).toEqual(['resume', 'restore']);
    expect(plan.items[1]).toMatchObject({ action: { source: { kind: 'pending', out: 'a.mp3' } }, reason: 'new, same spec as a.mp3' });
  });

  it('is generated again, saying why, past kie.ai retention, on another API, or when the lock does not say which API', () => {
    const cases: Array<[LockTask, string]> = [
      [
        task('expired', { generatedAt: '2026-01-01T00:00:00.000Z' }),
        "task t1 (2026-01-01T00:00:00.000Z) is past kie.ai's 14-day retention",
      ],
      [task('other-api', { baseUrl: 'https://proxy.example' }), 'task t1 was made on https://proxy.example, not on this API'],
      [task('unknown-api'), 'the lock does not say which API made task t1'],
    ];
    for (const [lockTask, why] of cases) {
      expect(planBuild([facts(a, missing, { lockTask })], lock, new Map(), opts).items[0], lockTask.status).toMatchObject({
        action: { type: 'generate', unrecoverable: { taskId: 't1', why } },
        reason: `output missing; ${why}`,
      });
    }
  });
});

describe('a damaged cache record', () => {
  const a = asset('a.mp3', { text: 'hi', voice: 'Rachel' });
  const lock = lockOf(['a.mp3', entry(a, H('1'))]);
  const record = { contentHash: H('1'), size: 10, model: a.model };

  it('rebuilt from its audio: restored or adopted as from any cache entry, and the plan says so', () => {
    const cacheRepair = { kind: 'rebuild' as const, recordPath: 'r.json', record, checkedAgainst: 'lock' as const };
    expect(planBuild([facts(a, missing, { cached: record, cacheRepair })], lock, new Map(), opts).items[0]).toMatchObject({
      action: { type: 'restore', source: { kind: 'cache' } },
      reason: 'output missing, restoring from cache (cache record damaged, rebuilt from the audio)',
    });
    expect(planBuild([facts(a, file(H('1')), { cached: record, cacheRepair })], lockOf(), new Map(), opts).items[0]).toMatchObject({
      action: { type: 'adopt' },
      reason: 'output matches the cache (cache record damaged, rebuilt from the audio)',
    });
  });

  it('that cannot be checked: the generation that follows says why', () => {
    const cacheRepair = { kind: 'set-aside' as const, recordPath: 'r.json', why: 'its audio is not what the lock records' };
    expect(planBuild([facts(a, missing, { cacheRepair })], lock, new Map(), opts).items[0]).toMatchObject({
      action: { type: 'generate' },
      reason: 'output missing, cache record damaged (its audio is not what the lock records)',
    });
  });
});
