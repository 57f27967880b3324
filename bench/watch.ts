/**
 * Watch mode on a 10,000-asset project (100 assets per spec file, outputs up to date), through
 * the library's `watch()` with the simulator in the same process:
 * (a) from the end of the quiet period after a save (the `rebuild` event's `at`) to the simulator
 *     receiving the createTask of the one line that save changed;
 * (b) from the end of the quiet period after a save that changed nothing (the same bytes written
 *     again) to the end of that rebuild (its `summary`).
 * Targets: (a) ≤ 50 ms, (b) ≤ 30 ms, medians over several saves.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WatchEvent } from '../src/events.js';
import { startSimulator } from '../src/sim/index.js';
import { writeFixture } from './fixtures.js';
import { median } from './measure.js';
import type { BenchContext, Section } from './run.js';

const ASSETS = 10_000;
const EDITS = 7;
const SAVES = 7;

/** When each event arrived, ms on the wall clock (the `rebuild` event's `at` is too). */
interface Seen {
  event: WatchEvent;
  at: number;
}

interface Phases {
  /** `at` → the rebuild event: the spec files read and resolved, the assets to plan chosen */
  load: number;
  /** → the first `planned` event (or the summary): the build lock, the store, the plan */
  plan: number;
  /** the figure: → the createTask (a) or the summary (b) */
  total: number;
}

export async function benchWatch(ctx: BenchContext): Promise<Section> {
  const dir = await ctx.scratch();
  await writeFixture(dir, { assets: ASSETS, built: true });
  const creates: number[] = [];
  const sim = await startSimulator({
    latencyMs: { min: 5, max: 10 },
    rateLimit: false,
    pollRateLimit: false,
    onRequest: (request) => {
      if (request.route.endsWith('createTask')) creates.push(Date.now());
    },
  });
  const log = createEventLog();
  const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: sim.url };
  const startedAt = Date.now();
  // the installed library (dist/), as a program using it would: it finds its package.json from there
  const { watch } = (await import(pathToFileURL(join(ctx.root, 'dist', 'index.js')).href)) as typeof import('../src/index.js');
  const watcher = await watch({ cwd: dir, env, onEvent: log.onEvent });
  try {
    await log.ended(0);
    const firstBuildMs = Date.now() - startedAt;
    const edits: Phases[] = [];
    const saves: Phases[] = [];
    for (let i = 0; i < EDITS; i++) edits.push(await editOneLine(dir, log, creates, i));
    for (let i = 0; i < SAVES; i++) saves.push(await saveUnchanged(dir, log, EDITS + 1 + i, i));
    return report(edits, saves, { firstBuildMs, rssMb: process.memoryUsage().rss / 2 ** 20 });
  } finally {
    await watcher.close();
    await sim.close();
  }
}

interface EventLog {
  onEvent(event: WatchEvent): void;
  /** resolves once rebuild `n` has ended (a summary or a rebuild-error) */
  ended(n: number): Promise<void>;
  /** rebuild `n`'s events, from its `rebuild` event to the next one */
  of(n: number): Seen[];
}

function createEventLog(): EventLog {
  const seen: Seen[] = [];
  const waiters = new Set<() => void>();
  // rebuilds that have ended; the waiters are asked only then (a full rebuild has 10,000 events)
  const done = new Set<number>();
  let current = -1;
  return {
    onEvent(event) {
      seen.push({ event, at: Date.now() });
      if (event.type === 'rebuild') current = event.n;
      if (event.type !== 'summary' && event.type !== 'rebuild-error') return;
      done.add(current);
      for (const w of [...waiters]) w();
    },
    ended: (n) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch bench: rebuild ${n} did not end within 120 s`)), 120_000);
        const check = () => {
          if (!done.has(n)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    of: (n) => rebuildOf(seen, n),
  };
}

/** Edit `i` (rebuild i + 1): one line of one spec file, which must make exactly one createTask. */
async function editOneLine(dir: string, log: EventLog, creates: readonly number[], i: number): Promise<Phases> {
  const file = join(dir, 'audio', `part-${String(i * 7).padStart(4, '0')}.audio.yaml`);
  const line = i * 7 * 100 + 42;
  const before = creates.length;
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(`Line number ${line}:`, `Line number ${line} (edit ${i}):`));
  await log.ended(i + 1);
  const created = creates[before];
  if (creates.length !== before + 1 || created === undefined) throw new Error(`edit ${i}: ${creates.length - before} creates, expected 1`);
  return phases(log.of(i + 1), created);
}

/** A spec file written again with the same bytes: rebuild `n`, timed to its summary. */
async function saveUnchanged(dir: string, log: EventLog, n: number, i: number): Promise<Phases> {
  const file = join(dir, 'audio', `part-${String(50 + i).padStart(4, '0')}.audio.yaml`);
  await writeFile(file, await readFile(file));
  await log.ended(n);
  const events = log.of(n);
  const summary = events.find((s) => s.event.type === 'summary');
  if (summary === undefined) throw new Error(`save ${i}: the rebuild failed`);
  return phases(events, summary.at);
}

/** The events of rebuild `n`, from its `rebuild` event to the next one. */
function rebuildOf(seen: readonly Seen[], n: number): Seen[] {
  const start = seen.findIndex((s) => s.event.type === 'rebuild' && s.event.n === n);
  if (start < 0) return [];
  const next = seen.findIndex((s, i) => i > start && s.event.type === 'rebuild');
  return seen.slice(start, next < 0 ? undefined : next);
}

function phases(events: readonly Seen[], endAt: number): Phases {
  const first = events[0];
  if (first?.event.type !== 'rebuild') throw new Error('no rebuild event');
  const from = Date.parse(first.event.at);
  const planned = events.find((s) => s.event.type === 'planned' || s.event.type === 'summary') ?? first;
  return { load: first.at - from, plan: planned.at - first.at, total: endAt - from };
}

function report(edits: readonly Phases[], saves: readonly Phases[], session: { firstBuildMs: number; rssMb: number }): Section {
  const med = (list: readonly Phases[], key: keyof Phases) => median(list.map((p) => p[key]));
  const edit = med(edits, 'total');
  const save = med(saves, 'total');
  const row = (label: string, list: readonly Phases[], target: number) =>
    `| ${label} | ${med(list, 'total').toFixed(0)} ms | ${target} ms | ${med(list, 'load').toFixed(0)} ms | ${med(list, 'plan').toFixed(0)} ms | ${list.map((p) => p.total).join(', ')} |`;
  return {
    title: 'Watch rebuilds',
    ok: edit <= 50 && save <= 30,
    lines: [
      `\`watch()\` on ${ASSETS.toLocaleString('en')} up-to-date assets (100 per spec file), the simulator in the same process.`,
      "Timed from the end of the quiet period after a save (the `rebuild` event's `at`): to the createTask of the one",
      'line the save changed, and for a save that changed nothing (the same bytes again) to the end of its rebuild.',
      '"load": reading and resolving the changed file and choosing what to plan; "plan": then to the first `planned` event',
      '(the build lock, the lock and stat index from memory, the plan). The first build (a full load, every output checked) took',
      `${(session.firstBuildMs / 1000).toFixed(1)} s; the process (watch and simulator) held ${session.rssMb.toFixed(0)} MB RSS at the end.`,
      '',
      '| save | median | target | load | plan | each (ms) |',
      '| --- | --- | --- | --- | --- | --- |',
      row(`one line edited (${edits.length} saves)`, edits, 50),
      row(`nothing changed (${saves.length} saves)`, saves, 30),
    ],
  };
}
