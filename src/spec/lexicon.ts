/**
 * Pure: the lexicon, respellings that make names sound right ("Xyloth" → "ZY-loth"). Entries
 * replace whole words, case-sensitively, in a voice line's `text`, `previous_text` and `next_text`
 * before they are sent. Only the entries a line uses shape what it sends, and so its spec hash:
 * adding an entry regenerates exactly the lines that contain the word.
 */

/** word → what is sent in its place */
export type Lexicon = Readonly<Record<string, string>>;

/** Letters, marks, digits and `_`: what a word is made of, and what must not touch it on either side. */
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`;

/** One word: word characters, with single hyphens or apostrophes inside ("T-800", "O'Brien"). */
const WORD = new RegExp(`^${WORD_CHAR}+(?:['’-]${WORD_CHAR}+)*$`, 'u');

export function isLexiconWord(key: string): boolean {
  return WORD.test(key);
}

/** The text with every whole-word occurrence of a key replaced, and the entries that were used. */
export function applyLexicon(text: string, lexicon: Lexicon): { text: string; used: Record<string, string> } {
  const used: Record<string, string> = {};
  const pattern = patternOf(lexicon);
  if (pattern === undefined) return { text, used };
  const sent = text.replace(pattern, (word) => {
    const replacement = lexicon[word] ?? word;
    used[word] = replacement;
    return replacement;
  });
  return { text: sent, used };
}

/**
 * Every line of a file is shaped with the same lexicon object: its pattern is compiled once, not
 * once per line and field (a no-op build of thousands of lines with a long lexicon pays for it).
 */
const PATTERNS = new WeakMap<Lexicon, RegExp | undefined>();

/** One pattern matching any key as a whole word; undefined for an empty lexicon. */
function patternOf(lexicon: Lexicon): RegExp | undefined {
  if (PATTERNS.has(lexicon)) return PATTERNS.get(lexicon);
  // longest first, so "Xyloth-Prime" wins over "Xyloth" where both fit
  const words = Object.keys(lexicon).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pattern =
    words.length === 0 ? undefined : new RegExp(`(?<!${WORD_CHAR})(?:${words.map(escapeRegExp).join('|')})(?!${WORD_CHAR})`, 'gu');
  PATTERNS.set(lexicon, pattern);
  return pattern;
}

/** The entries of `lexicon` whose word occurs, as a whole word, in `text`. */
export function entriesUsed(text: string, lexicon: Lexicon): Record<string, string> {
  return applyLexicon(text, lexicon).used;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
