import { describe, expect, it } from 'vitest';
import { mergePostLevels, postLevelOf, resolvePostChain } from '../../src/spec/post-merge.js';

describe('mergePostLevels', () => {
  it('merges key by key, the higher level winning, null meaning "not set here"', () => {
    const asset = { loudness: -18, trim: null };
    const file = { truePeak: -2, format: 'ogg' as const };
    const config = { loudness: -23, truePeak: -1, trim: { thresholdDb: -45, padMs: 10 }, sampleRate: 48000 };
    expect(mergePostLevels([asset, file, config])).toEqual({
      loudness: -18,
      truePeak: -2,
      format: 'ogg',
      trim: { thresholdDb: -45, padMs: 10 },
      sampleRate: 48000,
    });
  });

  it('none turns processing off below it', () => {
    const config = { loudness: -23, sampleRate: 48000 };
    expect(mergePostLevels(['none', { loudness: -20 }, config])).toBeUndefined();
    expect(mergePostLevels([{ fadeOutMs: 10 }, 'none', config])).toEqual({ fadeOutMs: 10 });
    expect(mergePostLevels([undefined, undefined, 'none'])).toBeUndefined();
  });

  it('no level setting anything is no processing', () => {
    expect(mergePostLevels([undefined, null, {}])).toBeUndefined();
    expect(mergePostLevels([])).toBeUndefined();
  });

  it('trim is one key; a trim that leaves a setting out gets its default', () => {
    expect(mergePostLevels([{ trim: {} }, { trim: { thresholdDb: -60, padMs: 5 } }])).toEqual({ trim: { thresholdDb: -50, padMs: 20 } });
    expect(mergePostLevels([{ trim: { padMs: 0 } }])).toEqual({ trim: { thresholdDb: -50, padMs: 0 } });
  });
});

describe('postLevelOf', () => {
  it("picks the kind's chain from a file's or config's post", () => {
    const defaults = { voice: { loudness: -23 }, effect: 'none' as const };
    expect(postLevelOf(defaults, 'voice')).toEqual({ loudness: -23 });
    expect(postLevelOf(defaults, 'effect')).toBe('none');
    expect(postLevelOf({ voice: { loudness: -23 } }, 'effect')).toBeUndefined();
    expect(postLevelOf('none', 'voice')).toBe('none');
    expect(postLevelOf(undefined, 'voice')).toBeUndefined();
  });

  it('with mergePostLevels: asset > file > config for one kind', () => {
    const config = { voice: { loudness: -23, format: 'ogg' as const }, effect: { loudness: -20 } };
    const file = { voice: { loudness: -24 } };
    const levels = [{ fadeInMs: 5 }, postLevelOf(file, 'voice'), postLevelOf(config, 'voice')];
    expect(mergePostLevels(levels)).toEqual({ fadeInMs: 5, loudness: -24, format: 'ogg' });
  });
});

describe('resolvePostChain', () => {
  it('format decides the extension out must have', () => {
    expect(resolvePostChain({ format: 'ogg', loudness: -23 }, 'npc/greet.ogg')).toEqual({
      kind: 'chain',
      chain: { format: 'ogg', loudness: -23 },
    });
    expect(resolvePostChain({ format: 'ogg' }, 'npc/greet.mp3')).toEqual({
      kind: 'problem',
      field: 'format',
      message: 'format: ogg writes .ogg files, so out must end in .ogg, found "npc/greet.mp3"',
    });
  });

  it('without format, out says it', () => {
    expect(resolvePostChain({ loudness: -23 }, 'sfx/hit.WAV')).toEqual({ kind: 'chain', chain: { format: 'wav', loudness: -23 } });
    expect(resolvePostChain({ loudness: -23 }, 'sfx/hit.opus')).toMatchObject({ kind: 'problem', field: 'format' });
  });

  it('no chain is no processing, whatever out is', () => {
    expect(resolvePostChain(undefined, 'sfx/hit.opus')).toEqual({ kind: 'none' });
  });

  it('an MP3 must be at a rate MP3 has', () => {
    expect(resolvePostChain({ sampleRate: 96000 }, 'a.mp3')).toMatchObject({
      kind: 'problem',
      field: 'sampleRate',
      message: expect.stringMatching(/^sampleRate: MP3 has no 96000 Hz; expected one of 8000, .*, 48000$/),
    });
    expect(resolvePostChain({ sampleRate: 96000 }, 'a.flac')).toMatchObject({ kind: 'chain' });
    expect(resolvePostChain({ sampleRate: 22050, format: 'mp3' }, 'a.mp3')).toMatchObject({ kind: 'chain' });
  });
});
