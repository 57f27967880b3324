import { describe, expect, test } from 'vitest';
import { editDistance, suggest } from '../../src/spec/suggest.js';
import { isKnownVoice, isPresetVoice, isVoiceId, PRESET_VOICES, suggestVoice } from '../../src/spec/voices.js';

describe('voices', () => {
  test('the 21 documented presets', () => {
    expect(PRESET_VOICES).toHaveLength(21);
    expect(new Set(PRESET_VOICES).size).toBe(21);
    expect(isPresetVoice('Rachel')).toBe(true);
    expect(isPresetVoice('rachel')).toBe(false);
  });

  test('a voice id is exactly 20 ASCII letters and digits', () => {
    expect(isVoiceId('EkK5I93UQWFDigLMpZcX')).toBe(true);
    expect(isVoiceId('EkK5I93UQWFDigLMpZc')).toBe(false);
    expect(isVoiceId('EkK5I93UQWFDigLMpZcXY')).toBe(false);
    expect(isVoiceId('EkK5I93UQWFDigLMpZc-')).toBe(false);
    expect(isVoiceId('EkK5I93UQWFDigLMpZcé')).toBe(false);
    expect(isKnownVoice('George')).toBe(true);
    expect(isKnownVoice('Adam')).toBe(false);
  });

  test('did you mean: case first, then a small edit distance', () => {
    expect(suggestVoice('rachel')).toBe('Rachel');
    expect(suggestVoice('GEORGE')).toBe('George');
    expect(suggestVoice('Rachl')).toBe('Rachel');
    expect(suggestVoice('Charlote')).toBe('Charlotte');
    expect(suggestVoice('Zorblax')).toBeUndefined();
  });
});

describe('suggest', () => {
  test('edit distance', () => {
    expect(editDistance('stabilty', 'stability')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  test('short words only get close suggestions; ties go to the first candidate', () => {
    expect(suggest('txt', ['text', 'out'])).toBe('text');
    expect(suggest('ab', ['xy', 'zw'])).toBeUndefined();
    expect(suggest('speeed', ['speed', 'style'])).toBe('speed');
    expect(suggest('ac', ['ab', 'ad'])).toBe('ab');
  });
});
