import { describe, expect, test } from 'vitest';
import { describeChange } from '../../src/plan/describe-change.js';
import type { TextShaping } from '../../src/project.js';

const model = 'elevenlabs/text-to-speech-turbo-2-5';
const shaping = (s: Partial<TextShaping>): TextShaping => ({ written: {}, lexicon: {}, neighbours: [], ...s });

describe('describeChange', () => {
  test('plain fields are named, model first', () => {
    expect(describeChange({ model, input: { text: 'a', voice: 'Rachel' } }, { model: 'x/y', input: { text: 'b', voice: 'Rachel' } })).toBe(
      'model and text changed',
    );
  });

  test('a field filled from a neighbour says whose text changed', () => {
    const before = { model, input: { text: 'B', previous_text: 'A', next_text: 'C' } };
    const after = {
      model,
      input: { text: 'B', previous_text: 'A2', next_text: 'C' },
      shaping: shaping({ written: { text: 'B', previous_text: 'A2', next_text: 'C' }, neighbours: ['previous_text', 'next_text'] }),
    };
    expect(describeChange(before, after)).toBe("previous line's text changed");
    const both = { ...after, input: { text: 'B2', previous_text: 'A', next_text: 'C2' } };
    expect(describeChange(before, both)).toBe("text and next line's text changed");
  });

  test('a lexicon entry is named when it, not the written text, made the difference', () => {
    const written = { text: 'Xyloth waits.' };
    const added = { model, input: { text: 'ZY-loth waits.' }, shaping: shaping({ written, lexicon: { Xyloth: 'ZY-loth' } }) };
    expect(describeChange({ model, input: { text: 'Xyloth waits.' } }, added)).toBe('lexicon entry Xyloth added');
    const locked = { model, input: { text: 'ZY-loth waits.' }, lexicon: { Xyloth: 'ZY-loth' } };
    const changed = { model, input: { text: 'ZIE-loth waits.' }, shaping: shaping({ written, lexicon: { Xyloth: 'ZIE-loth' } }) };
    expect(describeChange(locked, changed)).toBe('lexicon entry Xyloth changed');
    expect(describeChange(locked, { model, input: { text: 'Xyloth waits.' } })).toBe('lexicon entry Xyloth removed');
    // the written text changed too: that is what is said
    const edited = {
      model,
      input: { text: 'ZY-loth sleeps.' },
      shaping: shaping({ written: { text: 'Xyloth sleeps.' }, lexicon: { Xyloth: 'ZY-loth' } }),
    };
    expect(describeChange(locked, edited)).toBe('text changed');
  });
});
