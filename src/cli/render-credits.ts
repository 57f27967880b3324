/** `kieaudio credits` as text: the balance, then what the project is expected to cost (commands/cost.ts). */
import type { ProjectCost } from '../commands/cost.js';
import { creditsText, type PlanEstimate } from '../plan/plan-estimate.js';

export function renderCredits(balance: number, cost: ProjectCost | undefined): string {
  const lines = [`${balance} credits`];
  if (cost !== undefined) {
    lines.push(`full rebuild:   ~${priced(cost.rebuild)}`, `stale now:      ~${priced(cost.stale)}`);
    if (cost.stale.total > balance) lines.push('the account has less than what is stale is expected to cost: top up before building');
  }
  return lines.join('\n');
}

/** "42 credits (12 assets)". */
function priced(estimate: PlanEstimate): string {
  const n = estimate.items.length;
  return `${creditsText(estimate.total)} (${n} task${n === 1 ? '' : 's'})`;
}
