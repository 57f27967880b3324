/** `plan` and `status` as text for people. */
import type { StatusResult } from '../commands/status.js';
import type { Plan } from '../plan/decide.js';
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

export function renderPlan(plan: Plan, opts: { color: boolean; verbose: boolean }): string {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  for (const item of plan.items) {
    // a resume of the lock's task fetches a result kie.ai still keeps: said apart from other resumes
    const kind = item.action.type === 'resume' && item.action.recovered ? 'recover' : (holdKind(item.action) ?? item.action.type);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (kind === 'up-to-date' && !opts.verbose) continue;
    const [word, style] = ACTION_WORDS[kind] ?? [kind, 'bold'];
    lines.push(`${paint(opts.color, style, word.padEnd(11))}${item.asset.out}  ${paint(opts.color, 'dim', item.reason)}`);
  }
  for (const orphan of [...plan.orphans, ...(plan.scenes?.orphans ?? [])]) {
    lines.push(
      `${paint(opts.color, 'yellow', 'orphan'.padEnd(11))}${orphan.out}  ${paint(opts.color, 'dim', 'no longer declared (kieaudio clean removes it)')}`,
    );
  }
  lines.push(...sceneLines(plan, opts));
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
  return lines.join('\n');
}

/** Scene files: made from their lines locally, so not counted with the assets. */
function sceneLines(plan: Plan, opts: { color: boolean; verbose: boolean }): string[] {
  const words: Record<string, [string, Style]> = {
    'up-to-date': ['up to date', 'dim'],
    build: ['scene', 'cyan'],
    'keep-modified': ['keep', 'yellow'],
  };
  return (plan.scenes?.scenes ?? [])
    .filter((s) => s.action !== 'up-to-date' || opts.verbose)
    .map((s) => {
      const [word, style] = words[s.action] ?? [s.action, 'bold'];
      return `${paint(opts.color, style, word.padEnd(11))}${s.scene.out}  ${paint(opts.color, 'dim', `scene ${s.scene.id}: ${s.reason}`)}`;
    });
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
    if (a.status === 'up to date' && !opts.verbose) continue;
    const detail = a.status === 'up to date' ? '' : `  ${paint(opts.color, 'dim', a.reason)}`;
    lines.push(`${paint(opts.color, STATUS_STYLE[a.status] ?? 'bold', a.status.padEnd(17))}${a.out}${detail}`);
  }
  for (const o of [...result.orphans, ...result.sceneOrphans]) {
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
