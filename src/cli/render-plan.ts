/** `plan` and `status` as text for people. */
import type { PlanResult } from '../commands/plan.js';
import type { StatusResult } from '../commands/status.js';
import type { Plan } from '../plan/decide.js';
import { creditsText, type PlanEstimate } from '../plan/plan-estimate.js';
import type { JsonLinePayload } from './json-lines.js';
import { paint, type Style } from './paint.js';

const ACTION_WORDS: Record<string, [string, Style]> = {
  'up-to-date': ['up to date', 'dim'],
  adopt: ['record', 'cyan'],
  restore: ['restore', 'cyan'],
  resume: ['resume', 'green'],
  recover: ['recover', 'green'],
  generate: ['generate', 'green'],
  hold: ['hold', 'red'],
  'hold-pin': ['hold', 'red'],
  'keep-modified': ['keep', 'yellow'],
  sidecars: ['sidecars', 'cyan'],
};

/** What the plan is expected to cost, and the budget it is shown against (commands/plan.ts). */
export type PlanCost = Pick<PlanResult, 'estimate' | 'maxCredits'>;

export function renderPlan(plan: Plan, opts: { color: boolean; verbose: boolean }, cost: PlanCost = {}): string {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  // per asset with a budget to weigh them against (or --verbose); the total is always said
  const shown = cost.maxCredits !== undefined || opts.verbose ? cost.estimate?.items : undefined;
  const estimates = new Map(shown?.map((i) => [i.out, i.credits]));
  for (const item of plan.items) {
    // a resume of the lock's task fetches a result kie.ai still keeps: said apart from other resumes
    const kind = item.action.type === 'resume' && item.action.recovered ? 'recover' : (holdKind(item.action) ?? item.action.type);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (kind === 'up-to-date' && !opts.verbose && item.note === undefined) continue;
    const [word, style] = ACTION_WORDS[kind] ?? [kind, 'bold'];
    const estimate = estimates.get(item.asset.out);
    const price = estimate === undefined || kind !== 'generate' ? '' : `  ~${creditsText(estimate)}`;
    lines.push(`${paint(opts.color, style, word.padEnd(11))}${item.asset.out}  ${paint(opts.color, 'dim', item.reason)}${price}`);
  }
  for (const orphan of plan.orphans) {
    lines.push(
      `${paint(opts.color, 'yellow', 'orphan'.padEnd(11))}${orphan.out}  ${paint(opts.color, 'dim', 'no longer declared (kieaudio clean removes it)')}`,
    );
  }
  const recover = counts.get('recover') ?? 0;
  const resume = counts.get('resume') ?? 0;
  const free = (counts.get('restore') ?? 0) + (counts.get('adopt') ?? 0) + (counts.get('sidecars') ?? 0);
  lines.push(
    // resumes and recoveries are tasks paid for already: not counted as "to generate", which costs credits
    `${counts.get('generate') ?? 0} to generate, ${resume > 0 ? `${resume} to resume (already paid for), ` : ''}` +
      `${recover > 0 ? `${recover} to recover from the API (free), ` : ''}${free} to restore, ${counts.get('up-to-date') ?? 0} up to date` +
      ((counts.get('keep-modified') ?? 0) > 0 ? `, ${counts.get('keep-modified')} left alone` : '') +
      ((counts.get('hold') ?? 0) > 0
        ? `, ${counts.get('hold')} held (maybe charged: kieaudio build --resend-unanswered sends them again)`
        : '') +
      ((counts.get('hold-pin') ?? 0) > 0 ? `, ${counts.get('hold-pin')} held (pinned take gone: see above)` : ''),
  );
  const costLine = renderCost(cost);
  if (costLine !== undefined) lines.push(paint(opts.color, cost.maxCredits !== undefined && overBudget(cost) ? 'red' : 'bold', costLine));
  return lines.join('\n');
}

/** "estimated cost: 42 credits (3 priced from the lock, 2 from the price table); budget 100 credits" */
function renderCost({ estimate, maxCredits }: PlanCost): string | undefined {
  if (estimate === undefined || (estimate.items.length === 0 && maxCredits === undefined)) return undefined;
  const fromLock = estimate.items.filter((i) => i.basis === 'lock').length;
  const fromTable = estimate.items.length - fromLock;
  const bases = [fromLock > 0 ? `${fromLock} priced from the lock` : '', fromTable > 0 ? `${fromTable} from the price table` : '']
    .filter(Boolean)
    .join(', ');
  const head = `estimated cost: ${creditsText(estimate.total)}${bases ? ` (${bases})` : ''}`;
  if (maxCredits === undefined) return head;
  return overBudget({ estimate, maxCredits })
    ? `${head}: over the budget of ${creditsText(maxCredits)}; kieaudio build would refuse (exit 4)`
    : `${head}, within the budget of ${creditsText(maxCredits)}`;
}

function overBudget({ estimate, maxCredits }: PlanCost): boolean {
  return estimate !== undefined && maxCredits !== undefined && estimate.total > maxCredits;
}

/** plan --json: a `planned` line per asset (with its estimate when it is generated), a line per orphan, then the estimate. */
export function planLines(result: PlanResult): JsonLinePayload[] {
  const estimates = new Map(result.estimate?.items.map((i) => [i.specHash, i.credits]));
  return [
    ...result.plan.items.map(({ asset, action, reason, specHash }) => {
      const estimate = action.type === 'generate' ? estimates.get(specHash) : undefined;
      return {
        type: 'planned' as const,
        asset: asset.id,
        out: asset.out,
        action: action.type,
        reason,
        ...(estimate === undefined ? {} : { estimate }),
        file: asset.source.file,
        line: asset.source.line,
        col: asset.source.col,
      };
    }),
    ...result.plan.orphans.map((o) => ({ type: 'orphan' as const, out: o.out, intact: o.intact, exists: o.exists })),
    ...(result.estimate === undefined ? [] : [estimateLine(result.estimate, result.maxCredits)]),
  ];
}

function estimateLine(estimate: PlanEstimate, maxCredits: number | undefined): JsonLinePayload {
  const fromLock = estimate.items.filter((i) => i.basis === 'lock').length;
  return {
    type: 'estimate',
    total: estimate.total,
    assets: estimate.items.length,
    fromLock,
    fromTable: estimate.items.length - fromLock,
    ...(maxCredits === undefined ? {} : { maxCredits, over: estimate.total > maxCredits }),
  };
}

/** A hold for a pinned take that is gone is counted apart from one that may have been charged. */
function holdKind(action: Plan['items'][number]['action']): string | undefined {
  return action.type === 'hold' && action.pinned !== undefined ? 'hold-pin' : undefined;
}

const STATUS_STYLE: Record<string, Style> = {
  'up to date': 'dim',
  stale: 'yellow',
  missing: 'yellow',
  placeholder: 'yellow',
  'modified by hand': 'red',
  'maybe charged': 'red',
  orphaned: 'yellow',
};

export function renderStatus(result: StatusResult, opts: { color: boolean; verbose: boolean }): string {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  for (const a of result.assets) {
    counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
    if (a.status === 'up to date' && !opts.verbose && a.note === undefined) continue;
    const detail = a.status === 'up to date' && a.note === undefined ? '' : `  ${paint(opts.color, 'dim', a.reason)}`;
    lines.push(`${paint(opts.color, STATUS_STYLE[a.status] ?? 'bold', a.status.padEnd(17))}${a.out}${detail}`);
  }
  for (const o of result.orphans) {
    counts.set('orphaned', (counts.get('orphaned') ?? 0) + 1);
    const note = !o.exists ? 'file already gone' : o.intact ? 'no longer declared' : 'no longer declared, edited since';
    lines.push(`${paint(opts.color, 'yellow', 'orphaned'.padEnd(17))}${o.out}  ${paint(opts.color, 'dim', note)}`);
  }
  for (const u of result.unansweredElsewhere) {
    counts.set('maybe charged', (counts.get('maybe charged') ?? 0) + 1);
    lines.push(`${paint(opts.color, 'red', 'maybe charged'.padEnd(17))}${u.out}  ${paint(opts.color, 'dim', u.reason)}`);
  }
  lines.push([...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no assets');
  return lines.join('\n');
}
