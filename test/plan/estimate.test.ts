/** Estimates from the lock's recorded prices (scaled by size) and from the documented table: plain values. */
import { describe, expect, it } from 'vitest';
import { billedSize, estimateAsset, learnRates } from '../../src/plan/estimate.js';
import { estimateAssets } from '../../src/plan/plan-estimate.js';
import { PRICE_TABLE } from '../../src/plan/price-table.js';
import type { ResolvedAsset } from '../../src/project.js';
import { emptyLockFile, type LockEntry, type LockFile } from '../../src/store/lock-file.js';

const TURBO = 'elevenlabs/text-to-speech-turbo-2-5';
const MULTI = 'elevenlabs/text-to-speech-multilingual-v2';
const SFX = 'elevenlabs/sound-effect-v2';
const HASH = 'a'.repeat(64);

function entry(model: string, input: Record<string, unknown>, credits?: number, extra: Partial<LockEntry> = {}): LockEntry {
  return {
    id: 'x',
    kind: model === SFX ? 'effect' : 'voice',
    model,
    input,
    specHash: HASH,
    contentHash: HASH,
    size: 1,
    ...(credits === undefined ? {} : { credits }),
    ...extra,
  };
}

function lockOf(...entries: LockEntry[]): LockFile {
  const lock = emptyLockFile();
  entries.forEach((e, i) => {
    lock.assets[`a${i}.mp3`] = e;
  });
  return lock;
}

const voice = (text: string, model = TURBO) => ({ kind: 'voice' as const, model, input: { text } });
const effect = (input: Record<string, unknown>) => ({ kind: 'effect' as const, model: SFX, input });

describe('estimates from the lock', () => {
  it("scale the model's recorded price per character with the text's length", () => {
    const rates = learnRates(lockOf(entry(TURBO, { text: 'x'.repeat(100) }, 2), entry(TURBO, { text: 'y'.repeat(300) }, 4)));
    // 6 credits over 400 characters: 0.015 a character
    expect(estimateAsset(voice('z'.repeat(200)), rates)).toEqual({ credits: 3, basis: 'lock' });
    expect(estimateAsset(voice('z'.repeat(400)), rates)).toEqual({ credits: 6, basis: 'lock' });
    expect(estimateAsset(voice('short'), rates).credits).toBe(0.08); // 0.075, rounded up: never below
  });

  it('scale effects by the seconds asked for, and take the mean task when the size is unknown', () => {
    const rates = learnRates(
      lockOf(entry(SFX, { text: 'boom', duration_seconds: 2 }, 12), entry(SFX, { text: 'hiss', duration_seconds: 4 }, 12)),
    );
    expect(estimateAsset(effect({ text: 'x', duration_seconds: 3 }), rates)).toEqual({ credits: 12, basis: 'lock' });
    expect(estimateAsset(effect({ text: 'x', duration_seconds: 9 }), rates)).toEqual({ credits: 36, basis: 'lock' });
    expect(estimateAsset(effect({ text: 'automatic length' }), rates)).toEqual({ credits: 12, basis: 'lock' });
  });

  it('learn per model, from entries that recorded a price and are not placeholders', () => {
    const lock = lockOf(
      entry(TURBO, { text: 'x'.repeat(10) }, 5),
      entry(TURBO, { text: 'x'.repeat(10) }), // an older lock's entry: no price
      entry(TURBO, { text: 'x'.repeat(10) }, 100, { placeholder: true }),
      entry(MULTI, { text: 'x'.repeat(10) }, 50),
    );
    const rates = learnRates(lock);
    expect(rates.get(TURBO)).toEqual({ tasks: 1, credits: 5, sizedCredits: 5, size: 10 });
    expect(estimateAsset(voice('x'.repeat(20)), rates).credits).toBe(10);
    expect(estimateAsset(voice('x'.repeat(20), MULTI), rates).credits).toBe(100);
  });
});

describe('the price table, when the lock has no price for the model', () => {
  it('prices speech per character and effects per task plus per second, as docs/budgets.md says', () => {
    const none = learnRates(emptyLockFile());
    const turbo = PRICE_TABLE[TURBO]?.perCharacter ?? Number.NaN;
    expect(estimateAsset(voice('x'.repeat(127)), none)).toEqual({ credits: Math.ceil(127 * turbo * 100) / 100, basis: 'table' });
    expect(estimateAsset(voice('x'.repeat(100), MULTI), none).credits).toBeGreaterThan(estimateAsset(voice('x'.repeat(100)), none).credits);
    const sfx = PRICE_TABLE[SFX];
    expect(estimateAsset(effect({ text: 'boom', duration_seconds: 5 }), none).credits).toBe(
      (sfx?.perTask ?? 0) + 5 * (sfx?.perSecond ?? 0),
    );
    expect(estimateAsset(effect({ text: 'boom' }), none).credits).toBe(sfx?.perTask);
  });

  it('prices a model it does not know as the dearest of its kind', () => {
    const none = learnRates(emptyLockFile());
    expect(estimateAsset(voice('x'.repeat(50), 'someone/new-voice'), none).credits).toBe(
      estimateAsset(voice('x'.repeat(50), MULTI), none).credits,
    );
  });

  it('is used for one model while another is priced from the lock', () => {
    const rates = learnRates(lockOf(entry(TURBO, { text: 'x'.repeat(100) }, 1)));
    expect(estimateAsset(voice('x'.repeat(100)), rates).basis).toBe('lock');
    expect(estimateAsset(voice('x'.repeat(100), MULTI), rates).basis).toBe('table');
  });
});

describe('a plan of assets', () => {
  it('pays once per spec, sums the total and puts the largest first', () => {
    const lock = lockOf(entry(TURBO, { text: 'x'.repeat(100) }, 1));
    const asset = (out: string, text: string) => ({ id: out, out, ...voice(text) }) as unknown as ResolvedAsset;
    const estimate = estimateAssets(
      [
        { asset: asset('a.mp3', 'x'.repeat(100)), specHash: 'a' },
        { asset: asset('b.mp3', 'x'.repeat(300)), specHash: 'b' },
        { asset: asset('c.mp3', 'x'.repeat(100)), specHash: 'a' }, // same spec as a.mp3: a copy
      ],
      lock,
    );
    expect(estimate.items.map((i) => [i.out, i.credits])).toEqual([
      ['b.mp3', 3],
      ['a.mp3', 1],
    ]);
    expect(estimate.total).toBe(4);
    expect(billedSize('voice', { text: 'héllo' })).toBe(5);
  });
});
