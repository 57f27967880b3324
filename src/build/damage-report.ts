/**
 * Before anything is restored: damaged cache records are dealt with as the plan said (a record
 * whose data checked out is written again, one whose data could not be checked is moved aside with
 * it), and every asset that is paid for again although the lock names a task for its spec is said
 * so, with why. Nothing that could hold a paid result is lost or paid for again in silence.
 */
import { displayPath } from '../errors.js';
import type { PlannedAsset } from '../plan/decide.js';
import type { RecordRepair } from '../store/cache-repair.js';
import type { BuildContext } from './context.js';

export async function repairCacheRecords(
  ctx: BuildContext,
  repairs: ReadonlyMap<string, RecordRepair>,
  items: readonly PlannedAsset[],
): Promise<void> {
  for (const [specHash, repair] of repairs) {
    const users = items.filter((i) => i.specHash === specHash);
    const asset = users[0]?.asset.id;
    const file = displayPath(repair.recordPath);
    if (repair.kind === 'rebuild') {
      await ctx.store.cache.commit(specHash, repair.record);
      const against =
        repair.checkedAgainst === 'lock'
          ? 'which matches the lock'
          : `which is ${users[0]?.asset.format.container} audio, as the asset needs (the lock records no result for this spec)`;
      const message = `cache record ${file} was damaged; rebuilt from the audio beside it, ${against}`;
      ctx.emit({ type: 'warning', code: 'W_CACHE_RECORD_REBUILT', message, ...(asset ? { asset } : {}) });
      continue;
    }
    const moved = displayPath(await ctx.store.cache.setAside(specHash));
    const paid = users.filter((i) => i.action.type === 'generate').map((i) => i.asset.out);
    const message =
      `cache record ${file} is damaged and ${repair.why}: moved aside to ${moved}, with its audio if any (kept, never read again; delete it when you are sure)` +
      (paid.length > 0 ? `; ${paid.join(', ')} ${paid.length === 1 ? 'is' : 'are'} generated again` : '');
    ctx.emit({ type: 'warning', code: 'W_CACHE_RECORD_DAMAGED', message, ...(asset ? { asset } : {}) });
  }
}

/** Paid for again although the lock names the task that made it: never without a word. */
export function reportUnrecoverable(ctx: BuildContext, items: readonly PlannedAsset[]): void {
  for (const item of items) {
    if (item.action.type !== 'generate' || item.action.unrecoverable === undefined) continue;
    const { why } = item.action.unrecoverable;
    ctx.emit({
      type: 'warning',
      code: 'W_NOT_RECOVERABLE',
      asset: item.asset.id,
      message: `${item.asset.out} is missing and not in the cache; ${why}, so it is generated again`,
    });
  }
}

/** A path as people should see it: relative to the project when it is inside it. */
