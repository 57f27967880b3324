/**
 * The live progress area for a terminal: one status line at the bottom (counts, credits, elapsed,
 * ETA) with a line per finished asset printed above it. Driven by events and a clock; it owns no
 * timer (the caller calls `tick()`), so tests can drive it with a fake terminal and a fake clock.
 *
 * Only ever used when stdout is a terminal: every redraw is "return, erase line, write", which a
 * pipe or a log file would keep as garbage.
 */
import type { WatchEvent } from '../events.js';
import { paint } from './paint.js';
import { createProgressState, estimateRemainingMs, type ProgressCounts, type ProgressState } from './progress-state.js';
import { PROBLEM_EVENTS, renderEvent } from './render-event.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** terminal width; the status line is cut to fit, as a wrapped line could not be erased */
  columns?: number;
}

export interface ProgressOptions {
  /** the terminal the area lives on (stdout) */
  out: ProgressStream;
  /** where problems go (stderr); usually the same terminal, so the area is lifted around them */
  err: ProgressStream;
  color: boolean;
  errColor: boolean;
  verbose: boolean;
  now: () => number;
  /** fewest milliseconds between two redraws of the area; default 125 (8 per second) */
  minRedrawMs?: number;
}

export interface Progress {
  /** a build or watch event: maybe a line above the area, then the area brought up to date */
  event(event: WatchEvent): void;
  /** any other text (notices, errors), printed above the area */
  print(to: 'out' | 'err', text: string): void;
  /** called on a timer: redraws the area when it is due (elapsed time, spinner) */
  tick(): void;
  /** the area is on screen */
  readonly active: boolean;
  /** takes the area off the screen */
  stop(): void;
}

const ERASE_LINE = '\r\u001b[2K';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** What the methods of a Progress share: the options, the counts and what is on screen. */
interface LiveArea {
  readonly out: ProgressStream;
  readonly err: ProgressStream;
  readonly color: boolean;
  readonly errColor: boolean;
  readonly verbose: boolean;
  readonly now: () => number;
  readonly minRedrawMs: number;
  readonly state: ProgressState;
  startedAt: number | undefined;
  /** the status line is on screen */
  shown: boolean;
  lastDraw: number;
}

export function createProgress(options: ProgressOptions): Progress {
  const { out, err, color, errColor, verbose, now } = options;
  const area: LiveArea = {
    out,
    err,
    color,
    errColor,
    verbose,
    now,
    minRedrawMs: options.minRedrawMs ?? 125,
    state: createProgressState(),
    startedAt: undefined,
    shown: false,
    lastDraw: -Infinity,
  };
  return {
    get active() {
      return area.shown;
    },
    event: (event) => showEvent(area, event),
    print: (to, text) => printAbove(area, to, text, area.shown),
    tick() {
      if (area.shown && area.now() - area.lastDraw >= area.minRedrawMs) drawStatusLine(area);
    },
    stop: () => eraseStatusLine(area),
  };
}

/** Counts the event, prints its line (if it has one) and brings the status line up to date. */
function showEvent(area: LiveArea, event: WatchEvent): void {
  const { state, color, errColor, verbose } = area;
  if (event.type === 'rebuild' || area.startedAt === undefined) area.startedAt = area.now();
  state.apply(event);
  if (event.type === 'summary') {
    printAbove(area, 'out', renderEvent(event, { color, verbose }) ?? '', false);
    state.reset();
    area.startedAt = undefined;
    return;
  }
  const problem = PROBLEM_EVENTS.has(event.type);
  const text = renderEvent(event, { color: problem ? errColor : color, verbose });
  const busy = state.busy();
  if (text !== undefined) printAbove(area, problem ? 'err' : 'out', text, busy);
  else if (busy && (!area.shown || area.now() - area.lastDraw >= area.minRedrawMs)) drawStatusLine(area);
  else if (!busy && area.shown) eraseStatusLine(area);
}

function renderStatusLine(area: LiveArea): string {
  const { color, minRedrawMs } = area;
  const t = area.now();
  const counts = area.state.counts();
  const elapsed = t - (area.startedAt ?? t);
  const frame = SPINNER[Math.floor(t / minRedrawMs) % SPINNER.length] ?? '';
  return fitToWidth(
    statusSegments(counts, elapsed, estimateRemainingMs(elapsed, counts), color),
    area.out.columns,
    paint(color, 'cyan', frame),
  );
}

function drawStatusLine(area: LiveArea): void {
  area.out.write(`${ERASE_LINE}${renderStatusLine(area)}`);
  area.shown = true;
  area.lastDraw = area.now();
}

/** one write per stream, so a slow terminal never shows half an update */
function printAbove(area: LiveArea, to: 'out' | 'err', text: string, redraw: boolean): void {
  const { out, err, shown } = area;
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (to === 'out') {
    out.write(`${shown ? ERASE_LINE : ''}${body}${redraw ? renderStatusLine(area) : ''}`);
  } else {
    if (shown) out.write(ERASE_LINE);
    err.write(body);
    if (redraw) out.write(renderStatusLine(area));
  }
  area.shown = redraw;
  if (redraw) area.lastDraw = area.now();
}

function eraseStatusLine(area: LiveArea): void {
  if (area.shown) area.out.write(ERASE_LINE);
  area.shown = false;
}

type Segment = [plain: string, styled: string];

function statusSegments(c: ProgressCounts, elapsedMs: number, etaMs: number | undefined, color: boolean): Segment[] {
  const seg = (text: string, style?: Parameters<typeof paint>[1]): Segment => [text, style ? paint(color, style, text) : text];
  const segments: Segment[] = [
    seg(`${c.queued} queued`),
    seg(`${c.inFlight} in flight`),
    seg(`${c.done} done`, c.done > 0 ? 'green' : undefined),
    seg(`${c.failed} failed`, c.failed > 0 ? 'red' : 'dim'),
    seg(`${c.credits} credits`),
    seg(formatDuration(elapsedMs)),
  ];
  segments.push(seg(etaMs === undefined ? 'ETA …' : `ETA ${formatDuration(etaMs)}`, 'dim'));
  return segments;
}

/** Drops segments from the end until the line fits the terminal (leaving the last column free). */
function fitToWidth(segments: Segment[], columns: number | undefined, prefix: string): string {
  const width = columns !== undefined && columns > 0 ? columns - 1 : Infinity;
  const kept = [...segments];
  const plainLength = () => 2 + kept.reduce((sum, [plain], i) => sum + plain.length + (i > 0 ? 3 : 0), 0);
  while (kept.length > 1 && plainLength() > width) kept.pop();
  return `${prefix} ${kept.map(([, styled]) => styled).join(' · ')}`;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
