import { describe, expect, test } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { createLocator } from '../../src/spec/position.js';

function locator(text: string) {
  const lineCounter = new LineCounter();
  return createLocator(parseDocument(text, { lineCounter }), lineCounter);
}

describe('createLocator', () => {
  const text = [
    'version: 1',
    'api:',
    '  rateLimit: { requests: 5 }',
    'assets:',
    '  - kind: voice',
    '    out: a.mp3',
    '    voice:',
    '',
  ].join('\n');
  const locate = locator(text);

  test('values, 1-based', () => {
    expect(locate(['version'])).toEqual({ line: 1, col: 10 });
    expect(locate(['api', 'rateLimit', 'requests'])).toEqual({ line: 3, col: 26 });
    expect(locate(['assets', 0, 'out'])).toEqual({ line: 6, col: 10 });
  });

  test('keys, for unknown keys', () => {
    expect(locate(['api', 'rateLimit', 'requests'], 'key')).toEqual({ line: 3, col: 16 });
    expect(locate(['assets', 0, 'out'], 'key')).toEqual({ line: 6, col: 5 });
  });

  test('a missing field resolves to the enclosing map; a missing ancestor to the nearest one that exists', () => {
    expect(locate(['assets', 0, 'text'])).toEqual({ line: 5, col: 5 });
    expect(locate(['assets', 7, 'text'])).toEqual({ line: 5, col: 3 });
    expect(locate(['nope', 'deeper'])).toEqual({ line: 1, col: 1 });
  });

  test('a key with no value points at the key', () => {
    expect(locate(['assets', 0, 'voice'])).toEqual({ line: 7, col: 5 });
  });

  test('paths through aliases land in the anchored node', () => {
    const aliased = locator('base: &b { speed: 2 }\nother: *b\n');
    expect(aliased(['other', 'speed'])).toEqual({ line: 1, col: 19 });
  });

  test('an empty document is its first character', () => {
    expect(locator('')(['assets', 0])).toEqual({ line: 1, col: 1 });
  });
});
