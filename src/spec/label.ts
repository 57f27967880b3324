/** How diagnostics name an asset: its `id`, else its `out` (the id it defaults to), else `#<index>`. */
import { isRecord } from '../is-record.js';

export function assetLabel(asset: unknown, index: number): string {
  if (isRecord(asset)) {
    if (typeof asset.id === 'string' && asset.id !== '') return asset.id;
    if (typeof asset.out === 'string' && asset.out !== '') return asset.out;
  }
  return `#${index}`;
}

/** The value at `path` inside plain parsed data, or undefined when any step is missing. */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}
