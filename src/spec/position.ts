/**
 * Maps a path into the parsed data (a zod issue path, or `['assets', 3, 'out']`) back to where it
 * was written in the YAML text, so every diagnostic can say `file:line:col`.
 */
import { type Document, isAlias, isMap, isNode, isScalar, isSeq, type LineCounter } from 'yaml';

export type DocPath = readonly (string | number)[];

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

/**
 * `value` (the default) points at the value at `path`; `key` points at the key of the last
 * segment, which is where an unknown key should be reported. A path that does not exist (a
 * missing required field) resolves to its nearest existing ancestor, i.e. the enclosing map.
 */
export type Locate = (path: DocPath, target?: 'key' | 'value') => Position;

const START: Position = { line: 1, col: 1 };

export function createLocator(doc: Document, lineCounter: LineCounter): Locate {
  const positionOf = (node: unknown): Position | undefined => {
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };

  return (path, target = 'value') => {
    let node: unknown = doc.contents;
    let found = positionOf(doc.contents) ?? START;
    for (const [i, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) break;
        const keyPosition = isScalar(pair.key) ? positionOf(pair.key) : undefined;
        if (i === path.length - 1 && target === 'key') return keyPosition ?? found;
        // `key:` with nothing after it has an empty value node; the key is the useful place then
        const valuePosition = isScalar(pair.value) && pair.value.value === null ? undefined : positionOf(pair.value);
        found = valuePosition ?? keyPosition ?? found;
        next = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        found = positionOf(item) ?? found;
        next = item;
      } else {
        break;
      }
      node = next;
    }
    return found;
  };
}
