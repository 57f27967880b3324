/** One build or watch event as text for people, or undefined when it is not worth a line. */
import type { BuildEvent, BuildSummary, FileChange, WatchEvent } from '../events.js';
import { renderDiagnostics } from './diagnostics.js';
import { escapeStrings } from './escape.js';
import { paint, type Style } from './paint.js';

/** Events that report a problem: their lines go to stderr. */
export const PROBLEM_EVENTS: ReadonlySet<WatchEvent['type']> = new Set([
  'failed',
  'held',
  'warning',
  'kept',
  'interrupted',
  'rebuild-error',
]);

export function renderEvent(raw: WatchEvent, opts: { color: boolean; verbose: boolean }): string | undefined {
  const { color, verbose } = opts;
  // the common case, not worth a line: a no-op build of 10,000 assets says it 10,000 times
  if (raw.type === 'planned' && (!verbose || raw.action === 'up-to-date')) return undefined;
  // ids, paths and API messages come from outside: shown escaped, one line each
  const event = escapeStrings(raw);
  switch (event.type) {
    case 'watching':
    case 'rebuild':
    case 'rebuild-queued':
    case 'rebuild-error':
    case 'orphan':
      return renderWatchEvent(event, color, verbose);
    default:
      return renderBuildEvent(event, color, verbose);
  }
}

/** What watch mode reports besides its builds' events (events.ts: WatchEventSchemas). */
type WatchOnlyEvent = Exclude<WatchEvent, BuildEvent>;

/** At least one space after the label, even for a state name as long as the column ("generating"). */
function label(color: boolean, style: Style, text: string): string {
  return paint(color, style, `${text} `.padEnd(10));
}

function renderBuildEvent(event: BuildEvent, color: boolean, verbose: boolean): string | undefined {
  switch (event.type) {
    case 'planned':
      return verbose && event.action !== 'up-to-date'
        ? `${label(color, 'dim', 'plan')}${event.out}  ${paint(color, 'dim', event.reason)}`
        : undefined;
    case 'submitted':
      return verbose ? `${label(color, 'dim', 'submitted')}${event.out}  ${paint(color, 'dim', `task ${event.taskId}`)}` : undefined;
    case 'state':
      return verbose ? `${label(color, 'dim', event.state)}${event.out}` : undefined;
    case 'generated':
      return renderGenerated(event, color);
    case 'restored':
      return `${label(color, 'cyan', 'restored')}${event.out}${paint(color, 'dim', `  from ${event.from}`)}`;
    case 'processed': {
      const level = event.loudness === null ? 'loudness not measurable' : `${event.loudness.toFixed(1)} LUFS`;
      const from = event.from === 'derived-cache' ? ', from the derived cache' : '';
      return verbose
        ? `${label(color, 'dim', 'processed')}${event.out}  ${paint(color, 'dim', `${level}, ${event.durationSeconds.toFixed(2)} s${from}`)}`
        : undefined;
    }
    case 'scene':
      return renderScene(event, color);
    case 'adopted':
      return `${label(color, 'cyan', 'recorded')}${event.out}${paint(color, 'dim', '  already holds the cached result')}`;
    case 'sidecars':
      return renderSidecars(event, color);
    case 'kept':
      return `${label(color, 'yellow', 'kept')}${event.out}  ${event.reason}`;
    case 'held':
      return `${label(color, 'red', 'held')}${event.out}  ${event.reason}`;
    case 'failed':
      return renderFailed(event, color);
    case 'warning': {
      const where = event.file ? `${event.file}:${event.line ?? 1}:${event.col ?? 1}: ` : '';
      // as validation diagnostics name it (diagnostics.ts): the build's and plan's lines read alike
      const asset = event.asset ? ` in asset ${event.asset}` : '';
      return `${where}${paint(color, 'yellow', 'warning')}${asset}: ${event.message}`;
    }
    case 'retry':
      return verbose
        ? `${label(color, 'dim', 'retry')}${event.out ?? event.operation}  ${paint(color, 'dim', `${event.message}; again in ${(event.delayMs / 1000).toFixed(1)}s`)}`
        : undefined;
    case 'interrupted': {
      const tasks = event.inFlight.map((t) => `\n  ${t.out}  task ${t.taskId}`).join('');
      return `${paint(color, 'yellow', 'stopped')}: ${event.reason}${event.inFlight.length > 0 ? `; still in flight, resumed by the next build:${tasks}` : ''}`;
    }
    case 'budget':
      return renderBudget(event, color);
    case 'waiting-for-lock':
      return `waiting for another kieaudio build (pid ${event.pid} on ${event.host}, since ${event.since}) to finish…`;
    case 'summary':
      return renderSummary(event, color);
    case 'remote':
      return verbose ? renderRemote(event, color) : undefined;
  }
}

function renderScene(event: Extract<BuildEvent, { type: 'scene' }>, color: boolean): string {
  const from = event.from === 'derived-cache' ? ', from the derived cache' : '';
  const subtitles = event.subtitles.length === 0 ? '' : `, ${event.subtitles.join(', ')}`;
  const detail = `${event.lines} lines of scene ${event.asset}, ${event.durationSeconds.toFixed(2)} s${from}${subtitles}`;
  return `${label(color, 'cyan', 'scene')}${event.out}${paint(color, 'dim', `  ${detail}`)}`;
}

function renderFailed(event: Extract<BuildEvent, { type: 'failed' }>, color: boolean): string {
  const task = event.taskId ? ` (task ${event.taskId})` : '';
  const charged = event.maybeCharged ? ' — the request may have been charged although no answer came' : '';
  // as the summary counts it: an asset never submitted did not fail, it was not started
  return `${label(color, 'red', event.notStarted ? 'not started' : 'failed')}${event.out}  ${event.message}${task}${charged}`;
}

function renderBudget(event: Extract<BuildEvent, { type: 'budget' }>, color: boolean): string | undefined {
  // over it, the E_BUDGET error that follows says it all; with nothing to pay for, there is nothing to say
  if (event.over || event.largest.length === 0) return undefined;
  const estimate = `${event.estimate} credit${event.estimate === 1 ? '' : 's'}`;
  return `${label(color, 'dim', 'budget')}${paint(color, 'dim', `~${estimate} estimated, of at most ${event.maxCredits}`)}`;
}

/** One lookup or upload of the team cache (--verbose; the summary counts them, a warning says what failed). */
function renderRemote(event: Extract<BuildEvent, { type: 'remote' }>, color: boolean): string {
  const what = { hit: 'in the team cache', miss: 'not in the team cache', upload: 'sent to the team cache', error: 'team cache error' }[
    event.op
  ];
  const detail = event.message === undefined ? '' : `: ${event.message}`;
  return `${label(color, 'dim', 'team')}${event.out ?? ''}  ${paint(color, 'dim', `${event.what} ${what}${detail}`)}`;
}

/** Timings and subtitle files written beside an output, or removed. */
function renderSidecars(event: Extract<BuildEvent, { type: 'sidecars' }>, color: boolean): string {
  const from = {
    result: 'from the result',
    cache: 'from the cache',
    output: 'from the timings beside the output',
    none: 'without timing data',
  };
  const parts = [
    ...event.written,
    ...event.removed.map((out) => `${out} removed`),
    event.timings === undefined ? undefined : from[event.timings],
  ].filter(Boolean);
  return `${label(color, 'cyan', 'sidecars')}${event.out}${paint(color, 'dim', `  ${parts.join(', ')}`)}`;
}

/** A result installed: a new generation, or the task of an earlier build (resumed, or recovered from the API). */
function renderGenerated(event: Extract<BuildEvent, { type: 'generated' }>, color: boolean): string {
  const credits = event.credits ? `${event.credits} credit${event.credits === 1 ? '' : 's'}` : undefined;
  let word = 'generated';
  let extra = [event.placeholder ? 'placeholder' : undefined, credits];
  if (event.origin === 'resumed') {
    word = 'resumed';
    extra = [`task ${event.taskId} of an earlier build`, credits ?? 'already paid for'];
  } else if (event.origin === 'recovered') {
    word = 'recovered';
    extra = [`task ${event.taskId} fetched again from the API`, 'no charge'];
  }
  const text = extra.filter(Boolean).join(', ');
  return `${label(color, 'green', word)}${event.out}${text ? paint(color, 'dim', `  (${text})`) : ''}`;
}

function renderWatchEvent(event: WatchOnlyEvent, color: boolean, verbose: boolean): string | undefined {
  switch (event.type) {
    case 'orphan':
      return `${label(color, 'yellow', 'orphaned')}${event.out}  ${paint(color, 'dim', 'no longer declared (kieaudio clean removes it)')}`;
    case 'watching':
      return paint(
        color,
        'dim',
        `watching ${event.config} and ${event.specFiles} spec file${event.specFiles === 1 ? '' : 's'} for changes (Ctrl-C to stop)`,
      );
    case 'rebuild': {
      if (event.n === 0) return undefined;
      // with --verbose, how much of the project this rebuild looks at (docs/watch.md)
      const checked =
        verbose && event.checked ? paint(color, 'dim', ` · ${event.checked.assets} of ${event.checked.of} assets checked`) : '';
      return `${paint(color, 'bold', `── ${clockTime(event.at)}`)} ${describeChanges(event.changes)}${checked}`;
    }
    case 'rebuild-queued':
      return `${paint(color, 'bold', `── ${clockTime(event.at)}`)} ${describeChanges(event.changes)}${paint(color, 'dim', '; rebuilding when the current build ends')}`;
    case 'rebuild-error': {
      const still = paint(color, 'dim', 'still watching: the outputs of the last good build stay as they are; save a fix to rebuild');
      const problem = event.diagnostics ? renderDiagnostics(event.diagnostics, color) : `${paint(color, 'red', 'error')}: ${event.message}`;
      return `${problem}\n${still}`;
    }
  }
}

function describeChanges(changes: readonly FileChange[]): string {
  const [first] = changes;
  if (first === undefined) return 'rebuilding';
  if (changes.length === 1) return `${first.file} ${first.change}`;
  const shown = changes.slice(0, 3).map((c) => `${c.file} (${c.change})`);
  return `${changes.length} files changed: ${shown.join(', ')}${changes.length > 3 ? ', …' : ''}`;
}

/** HH:MM:SS in local time: when a rebuild started, as a person next to the editor reads it. */
function clockTime(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The team cache's part in a build, in the summary's tail. */
function remoteSummary(r: NonNullable<BuildSummary['remote']>): string {
  const parts = [`${r.hits} from the team cache`, `${r.uploads} uploaded`];
  if (r.errors > 0) parts.push(`${r.errors} team cache error${r.errors === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function renderSummary(s: BuildSummary, color: boolean): string {
  const parts = [paint(color, s.generated > 0 ? 'green' : 'dim', `${s.generated} generated`)];
  // tasks of earlier builds: named only when there are any, so the usual line stays as it was
  if (s.resumed > 0) parts.push(paint(color, 'green', `${s.resumed} resumed`));
  if (s.recovered > 0) parts.push(paint(color, 'green', `${s.recovered} recovered from the API`));
  parts.push(`${s.restored} restored`, `${s.upToDate} up to date`, paint(color, s.failed > 0 ? 'red' : 'dim', `${s.failed} failed`));
  if (s.kept > 0) parts.push(paint(color, 'yellow', `${s.kept} left alone`));
  if (s.notStarted > 0) parts.push(paint(color, 'yellow', `${s.notStarted} not started`));
  if (s.held > 0) parts.push(paint(color, 'red', `${s.held} held`));
  const tail = [`${s.creditsUsed} ${s.creditsUsed === 1 ? 'credit' : 'credits'} used`, `${(s.durationMs / 1000).toFixed(1)}s`];
  if (s.placeholders) tail.push('offline placeholders');
  if (s.remote !== undefined) tail.push(remoteSummary(s.remote));
  let text = `${parts.join(', ')} · ${tail.join(' · ')}`;
  if (s.orphans > 0)
    text += `\n${s.orphans} orphaned output${s.orphans === 1 ? '' : 's'} (kieaudio status lists them, kieaudio clean removes them)`;
  if (s.possibleDuplicateCharges > 0) {
    const n = s.possibleDuplicateCharges;
    text += `\n${paint(color, 'yellow', `${n} create request${n === 1 ? '' : 's'} got no answer: each may have been charged without a result; ${n === 1 ? 'it is' : 'they are'} not sent again on ${n === 1 ? 'its' : 'their'} own (kieaudio status shows ${n === 1 ? 'it' : 'them'})`)}`;
  }
  if (s.held > 0) {
    text += `\n${paint(color, 'red', `${s.held} asset${s.held === 1 ? ' was' : 's were'} held: an earlier create request for ${s.held === 1 ? 'it' : 'each'} got no answer and may have been charged. Check the kie.ai dashboard; then kieaudio build --resend-unanswered sends ${s.held === 1 ? 'it' : 'them'} again`)}`;
  }
  return text;
}
