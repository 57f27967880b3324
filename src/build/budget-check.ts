/**
 * A build's budget before anything is sent (contract Part 2, "Budgets"; docs/budgets.md): the
 * estimate of every task it would create, against --max-credits (or budget.maxCredits). Over it,
 * the build is refused — exit 4, nothing submitted, nothing written — with the largest items named,
 * since those are where a mistaken glob or a pasted novel shows.
 */
import { KieaudioError } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { Plan } from '../plan/decide.js';
import { creditsText, estimateAssets, estimatePlan } from '../plan/plan-estimate.js';
import type { LockFile } from '../store/lock-file.js';
import type { BudgetLimit } from './generate-context.js';

/** How many of the largest items the refusal names. */
const LARGEST = 5;

/** The budget's limit for the paid path, or undefined when there is none; throws E_BUDGET when the plan is over it. */
export function checkBudget(
  plan: Plan,
  lock: LockFile,
  maxCredits: number | undefined,
  emit: (event: BuildEvent) => void,
): BudgetLimit | undefined {
  if (maxCredits === undefined) return undefined;
  const estimate = estimatePlan(plan.items, lock);
  const largest = estimate.items.slice(0, LARGEST).map(({ asset, out, credits }) => ({ asset, out, credits }));
  const over = estimate.total > maxCredits;
  emit({ type: 'budget', maxCredits, estimate: estimate.total, over, largest });
  if (over) {
    const n = estimate.items.length;
    const lines = largest.map((i) => `\n  ${creditsText(i.credits).padStart(14)}  ${i.out}`).join('');
    const more = n > largest.length ? `\n  … and ${n - largest.length} more` : '';
    throw new KieaudioError(
      'E_BUDGET',
      `the build would generate ${n} asset${n === 1 ? '' : 's'}, estimated at ${creditsText(estimate.total)}: over the budget of ${creditsText(maxCredits)} ` +
        `(--max-credits or budget.maxCredits). Nothing was submitted. The largest:${lines}${more}\n` +
        'Check the selection (--only) and the spec files, or raise the budget (kieaudio plan --max-credits N shows every estimate).',
      { details: { estimate: estimate.total, maxCredits, largest } },
    );
  }
  // a resumed task that turns out to be gone is created anew: it reserves its own estimate then
  const resumed = plan.items.filter((i) => i.action.type === 'resume').map((i) => ({ asset: i.asset, specHash: i.specHash }));
  return { maxCredits, estimates: new Map([...estimateAssets(resumed, lock).bySpec, ...estimate.bySpec]) };
}
