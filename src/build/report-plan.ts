/** A plan told as events before any work starts: each asset's decision, then what is left alone or held. */
import { KieaudioError } from '../errors.js';
import type { Plan } from '../plan/decide.js';
import { failedEvent, heldEvent } from './records.js';
import type { Tally } from './tally.js';

/**
 * The decision for every asset, and the files left alone or held, before any work starts. With
 * --force, a file left alone is one --force cannot replace (a folder at `out`): the asset fails,
 * before anything is paid for, rather than paying for a result that cannot be installed.
 */
export function reportPlan(plan: Plan, tally: Tally, force: boolean): void {
  for (const item of plan.items) {
    tally.emit({ type: 'planned', asset: item.asset.id, out: item.asset.out, action: item.action.type, reason: item.reason });
  }
  for (const item of plan.items) {
    const { action, reason } = item;
    // a lost pinned take is not a request that may have been charged: it fails, naming the ways on
    if (action.type === 'hold' && action.pinned !== undefined) tally.emit(failedEvent(item, new KieaudioError('E_PIN_LOST', reason)));
    else if (action.type === 'hold') tally.emit(heldEvent(item, reason, action.sentAt));
    if (action.type !== 'keep-modified') continue;
    if (force) tally.emit(failedEvent(item, new KieaudioError('E_IO', reason)));
    else tally.emit({ type: 'kept', asset: item.asset.id, out: item.asset.out, reason });
  }
}
