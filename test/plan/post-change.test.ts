import { describe, expect, it } from 'vitest';
import { describePostChange, samePostChain } from '../../src/plan/post-change.js';
import type { LockEntry } from '../../src/store/lock-file.js';

const HASH = 'a'.repeat(64);
const entry = (post?: LockEntry['post']): LockEntry => ({
  id: 'a',
  kind: 'voice',
  model: 'm',
  input: {},
  specHash: HASH,
  contentHash: HASH,
  size: 1,
  ...(post === undefined ? {} : { post }),
});
const recorded = (chain: Record<string, unknown>, ffmpeg = '4.1'): LockEntry['post'] => ({
  chain,
  ffmpeg,
  raw: HASH,
  measured: { loudness: -23, truePeak: -1.2, duration: 1 },
});

describe('describePostChange', () => {
  it('says nothing when the chain and ffmpeg are what the lock records (key order does not matter)', () => {
    const lock = entry(recorded({ loudness: -23, format: 'wav' }));
    expect(describePostChange(lock, { post: { format: 'wav', loudness: -23 } }, '4.1')).toBeUndefined();
    expect(describePostChange(entry(), {}, '4.1')).toBeUndefined();
    expect(samePostChain(lock.post, { format: 'wav', loudness: -23 })).toBe(true);
  });

  it('names the keys that changed, and a changed ffmpeg', () => {
    const lock = entry(recorded({ loudness: -23, format: 'wav', trim: { thresholdDb: -50, padMs: 20 } }));
    expect(describePostChange(lock, { post: { loudness: -18, format: 'wav', trim: { thresholdDb: -50, padMs: 20 } } }, '4.1')).toBe(
      'post-processing changed (loudness -23 → -18)',
    );
    expect(describePostChange(lock, { post: { loudness: -23, format: 'ogg' } }, '4.1')).toBe(
      'post-processing changed (format wav → ogg, trim {"padMs":20,"thresholdDb":-50} → unset)',
    );
    expect(describePostChange(lock, { post: { loudness: -23, format: 'wav', trim: { thresholdDb: -50, padMs: 20 } } }, '6.0')).toBe(
      'ffmpeg changed (4.1 → 6.0)',
    );
    // an ffmpeg that could not be found compares the chain only
    expect(
      describePostChange(lock, { post: { loudness: -23, format: 'wav', trim: { thresholdDb: -50, padMs: 20 } } }, undefined),
    ).toBeUndefined();
  });

  it('says when processing was added or removed', () => {
    expect(describePostChange(entry(), { post: { format: 'wav' } }, '4.1')).toBe('post-processing added');
    expect(describePostChange(entry(recorded({ format: 'wav' })), {}, '4.1')).toBe('post-processing removed');
  });
});
