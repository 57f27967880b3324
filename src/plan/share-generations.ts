/**
 * Pure: one payment per spec in a build. Assets planned to generate (or resume) the same spec
 * become restores from the first of them, once its result has landed.
 */
import type { PlannedAsset } from './decide.js';

/**
 * Assets that share a spec (the same line for several characters, the same click in two menus)
 * are paid for once: the first generates, the others copy its result once it has landed.
 */
export function shareGenerations(items: PlannedAsset[]): PlannedAsset[] {
  const leaders = new Map<string, string>();
  return items.map((item) => {
    if (item.action.type !== 'generate' && item.action.type !== 'resume') return item;
    const leader = leaders.get(item.specHash);
    if (leader === undefined) {
      leaders.set(item.specHash, item.asset.out);
      return item;
    }
    const reason = item.action.type === 'resume' ? item.reason.replace(/, (resuming task|recoverable from the API) .*$/, '') : item.reason;
    return { ...item, action: { type: 'restore', source: { kind: 'pending', out: leader } }, reason: `${reason}, same spec as ${leader}` };
  });
}
