import { describe, expect, test } from 'vitest';
import { applyLexicon, isLexiconWord } from '../../src/spec/lexicon.js';

describe('lexicon words', () => {
  test('one word, with hyphens or apostrophes inside, in any script', () => {
    for (const word of ['Xyloth', 'GUI', 'T-800', "O'Brien", 'Ægir', 'Zürich', 'x_2']) expect(isLexiconWord(word)).toBe(true);
    for (const word of ['two words', '', '-x', "x'", 'a.b', 'x!', ' x']) expect(isLexiconWord(word)).toBe(false);
  });

  test('whole words only, case-sensitive, the longest key first, replacements never replaced again', () => {
    const lexicon = { Xyloth: 'ZY-loth', 'Xyloth-Prime': 'ZY-loth prime', GUI: 'GUI GUI' };
    expect(applyLexicon('Xyloth, Xyloth-Prime and XylothX; xyloth. GUI!', lexicon)).toEqual({
      text: 'ZY-loth, ZY-loth prime and XylothX; xyloth. GUI GUI!',
      used: { Xyloth: 'ZY-loth', 'Xyloth-Prime': 'ZY-loth prime', GUI: 'GUI GUI' },
    });
    expect(applyLexicon('nothing here', lexicon)).toEqual({ text: 'nothing here', used: {} });
    expect(applyLexicon('a+b (c)', { c: 'see' }).text).toBe('a+b (see)');
  });
});
