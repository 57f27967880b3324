/** One build event as a line for people, or undefined when it is not worth a line. */
import type { BuildEvent, BuildSummary } from '../events.js';
import { paint } from './paint.js';

export function renderEvent(event: BuildEvent, opts: { color: boolean; verbose: boolean }): string | undefined {
  const { color, verbose } = opts;
  const label = (style: Parameters<typeof paint>[1], text: string) => paint(color, style, text.padEnd(10));
  switch (event.type) {
    case 'planned':
      return verbose && event.action !== 'up-to-date' ? `${label('dim', 'plan')}${event.out}  ${paint(color, 'dim', event.reason)}` : undefined;
    case 'submitted':
      return verbose ? `${label('dim', 'submitted')}${event.out}  ${paint(color, 'dim', `task ${event.taskId}`)}` : undefined;
    case 'state':
      return verbose ? `${label('dim', event.state)}${event.out}` : undefined;
    case 'generated': {
      const extra = [event.placeholder ? 'placeholder' : undefined, event.credits ? `${event.credits} credits` : undefined]
        .filter(Boolean)
        .join(', ');
      return `${label('green', 'generated')}${event.out}${extra ? paint(color, 'dim', `  (${extra})`) : ''}`;
    }
    case 'restored':
      return `${label('cyan', 'restored')}${event.out}${paint(color, 'dim', `  from ${event.from}`)}`;
    case 'adopted':
      return `${label('cyan', 'recorded')}${event.out}${paint(color, 'dim', '  already holds the cached result')}`;
    case 'kept':
      return `${label('yellow', 'kept')}${event.out}  ${event.reason}`;
    case 'failed': {
      const task = event.taskId ? ` (task ${event.taskId})` : '';
      const charged = event.maybeCharged ? ' — the request may have been charged although no answer came' : '';
      return `${label('red', 'failed')}${event.out}  ${event.message}${task}${charged}`;
    }
    case 'warning': {
      const where = event.file ? `${event.file}:${event.line ?? 1}:${event.col ?? 1}: ` : '';
      return `${where}${paint(color, 'yellow', 'warning')}: ${event.message}`;
    }
    case 'retry':
      return verbose
        ? `${label('dim', 'retry')}${event.out ?? event.operation}  ${paint(color, 'dim', `${event.message}; again in ${(event.delayMs / 1000).toFixed(1)}s`)}`
        : undefined;
    case 'interrupted': {
      const tasks = event.inFlight.map((t) => `\n  ${t.out}  task ${t.taskId}`).join('');
      return `${paint(color, 'yellow', 'stopped')}: ${event.reason}${event.inFlight.length > 0 ? `; still in flight, resumed by the next build:${tasks}` : ''}`;
    }
    case 'waiting-for-lock':
      return `waiting for another kieaudio build (pid ${event.pid} on ${event.host}, since ${event.since}) to finish…`;
    case 'summary':
      return renderSummary(event, color);
  }
}

export function renderSummary(s: BuildSummary, color: boolean): string {
  const parts = [
    paint(color, s.generated > 0 ? 'green' : 'dim', `${s.generated} generated`),
    `${s.restored} restored`,
    `${s.upToDate} up to date`,
    paint(color, s.failed > 0 ? 'red' : 'dim', `${s.failed} failed`),
  ];
  if (s.kept > 0) parts.push(paint(color, 'yellow', `${s.kept} left alone`));
  if (s.notStarted > 0) parts.push(paint(color, 'yellow', `${s.notStarted} not started`));
  const tail = [`${s.creditsUsed} credits used`, `${(s.durationMs / 1000).toFixed(1)}s`];
  if (s.placeholders) tail.push('offline placeholders');
  let text = `${parts.join(', ')} · ${tail.join(' · ')}`;
  if (s.orphans > 0) text += `\n${s.orphans} orphaned output${s.orphans === 1 ? '' : 's'} (kieaudio status lists them, kieaudio clean removes them)`;
  if (s.possibleDuplicateCharges > 0) {
    text += `\n${paint(color, 'yellow', `${s.possibleDuplicateCharges} create request${s.possibleDuplicateCharges === 1 ? '' : 's'} got no answer: each may have been charged without a result`)}`;
  }
  return text;
}
