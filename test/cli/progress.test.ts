/**
 * The terminal progress area and the plain-line fallback, driven by events and a fake clock and
 * written to fake streams. A small terminal emulator turns what was written into the screen a
 * person would see, so the tests check that rather than escape sequences.
 */

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../../src/cli/output.js';
import { createProgress } from '../../src/cli/progress.js';
import type { WatchEvent } from '../../src/events.js';
import { summaryEvent } from '../helpers/summary.js';

interface FakeStream {
  isTTY: boolean;
  columns?: number;
  chunks: string[];
  write(text: string): boolean;
}

function stream(isTTY: boolean, columns?: number): FakeStream {
  const chunks: string[] = [];
  return {
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    chunks,
    write(text) {
      chunks.push(text);
      return true;
    },
  };
}

const SGR = /\u001b\[\d+(;\d+)*m/g;

/** The lines left on screen: carriage return, erase-line and newline are all a status area uses. */
function screen(chunks: readonly string[]): string[] {
  const done: string[] = [];
  let current = '';
  const text = chunks.join('').replace(SGR, '');
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('\u001b[2K', i)) {
      current = '';
      i += 3;
    } else if (text[i] === '\n') {
      done.push(current);
      current = '';
    } else if (text[i] !== '\r') {
      // every \r here is followed by an erase, so the column it returns to does not matter
      current += text[i];
    }
  }
  return [...done, current];
}

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const planned = (out: string, action: 'generate' | 'up-to-date' | 'restore'): WatchEvent => ({
  type: 'planned',
  asset: out,
  out,
  action,
  reason: 'new',
});
const submitted = (out: string): WatchEvent => ({ type: 'submitted', asset: out, out, taskId: `t-${out}`, model: 'm' });
const generated = (out: string, credits?: number): WatchEvent => ({
  type: 'generated',
  asset: out,
  out,
  taskId: `t-${out}`,
  bytes: 10,
  credits,
  placeholder: false,
});
const failed = (out: string): WatchEvent => ({ type: 'failed', asset: out, out, code: 'E_TASK_FAILED', message: 'the task failed' });
const summary = (over: Partial<Extract<WatchEvent, { type: 'summary' }>> = {}): WatchEvent =>
  summaryEvent({ generated: 1, upToDate: 1, failed: 1, creditsUsed: 12, durationMs: 9000, ...over });

describe('progress area on a terminal', () => {
  it('keeps one status line at the bottom with counts, credits, elapsed and ETA, and a line per finished asset above it', () => {
    const out = stream(true, 120);
    const err = stream(true, 120);
    const t = clock();
    const p = createProgress({ out, err, color: false, errColor: false, verbose: false, now: t.now });

    for (const e of [
      planned('a.mp3', 'generate'),
      planned('b.mp3', 'generate'),
      planned('c.mp3', 'generate'),
      planned('d.mp3', 'up-to-date'),
    ])
      p.event(e);
    // the burst of plan events is drawn at the next tick, not once per event
    t.advance(125);
    p.tick();
    expect(screen(out.chunks)).toEqual([
      expect.stringMatching(/^. 3 queued · 0 in flight · 0 done · 0 failed · 0 credits · 0:00 · ETA …$/),
    ]);

    t.advance(875);
    p.event(submitted('a.mp3'));
    p.event(submitted('b.mp3'));
    t.advance(3000);
    p.event(generated('a.mp3', 12));
    expect(screen(out.chunks)).toEqual([
      'generated a.mp3  (12 credits)',
      expect.stringMatching(/^. 1 queued · 1 in flight · 1 done · 0 failed · 12 credits · 0:04 · ETA 0:08$/),
    ]);

    // a problem goes to stderr; the area is lifted off stdout for it and put back after
    t.advance(1000);
    p.event(failed('b.mp3'));
    expect(err.chunks.join('')).toBe('failed    b.mp3  the task failed\n');
    const outScreen = screen(out.chunks);
    expect(outScreen.at(-1)).toMatch(/1 queued · 0 in flight · 1 done · 1 failed · 12 credits · 0:05/);

    t.advance(4000);
    p.event(summary());
    expect(p.active).toBe(false);
    const final = screen(out.chunks);
    expect(final).toEqual([
      'generated a.mp3  (12 credits)',
      '1 generated, 0 restored, 1 up to date, 1 failed · 12 credits used · 9.0s',
      '',
    ]);
  });

  it('redraws at a modest rate however fast events come', () => {
    const out = stream(true, 120);
    const t = clock();
    const p = createProgress({ out, err: stream(true), color: false, errColor: false, verbose: false, now: t.now, minRedrawMs: 125 });
    p.event(planned('a.mp3', 'generate'));
    p.event(submitted('a.mp3'));
    const draws = () => out.chunks.length;
    const before = draws();
    for (let i = 0; i < 50; i++) {
      p.event({ type: 'state', asset: 'a.mp3', out: 'a.mp3', taskId: 't', state: 'generating' });
      p.tick();
    }
    expect(draws()).toBe(before);
    t.advance(125);
    p.tick();
    expect(draws()).toBe(before + 1);
    t.advance(1000);
    p.tick();
    expect(screen(out.chunks).at(-1)).toMatch(/0 queued · 1 in flight · 0 done · 0 failed · 0 credits · 0:01/);
  });

  it('cuts the status line to the terminal width so it never wraps', () => {
    const out = stream(true, 40);
    const p = createProgress({ out, err: stream(true), color: true, errColor: true, verbose: false, now: () => 0 });
    p.event(planned('a.mp3', 'generate'));
    const [status] = screen(out.chunks);
    expect(status).toBeDefined();
    expect(status?.length).toBeLessThanOrEqual(39);
    expect(status).toMatch(/1 queued · 0 in flight/);
  });

  it('prints notices and errors above the area', () => {
    const out = stream(true, 120);
    const err = stream(true, 120);
    const t = clock();
    const o = createOutput({ json: false, quiet: false, verbose: false, env: { NO_COLOR: '1' }, stdout: out, stderr: err, now: t.now });
    o.event(planned('a.mp3', 'generate'));
    o.notice('interrupted: finishing what is in flight');
    expect(screen(out.chunks)).toEqual(['interrupted: finishing what is in flight', expect.stringMatching(/1 queued/)]);
    o.close();
    expect(screen(out.chunks)).toEqual(['interrupted: finishing what is in flight', '']);
  });

  it('honours NO_COLOR: the area still redraws, without colors', () => {
    const colored = stream(true, 120);
    createOutput({ json: false, quiet: false, verbose: false, env: {}, stdout: colored, stderr: stream(true), now: () => 0 }).event(
      generated('a.mp3'),
    );
    expect(colored.chunks.join('')).toMatch(SGR);

    const plain = stream(true, 120);
    const o = createOutput({
      json: false,
      quiet: false,
      verbose: false,
      env: { NO_COLOR: '1' },
      stdout: plain,
      stderr: stream(true),
      now: () => 0,
    });
    o.event(planned('a.mp3', 'generate'));
    o.event(generated('a.mp3'));
    const text = plain.chunks.join('');
    expect(text).not.toMatch(SGR);
    expect(text).toContain('\r\u001b[2K');
    o.close();
  });
});

describe('plain lines (pipes, files, CI, --quiet)', () => {
  const run = (env: Record<string, string>, stdout: FakeStream, stderr: FakeStream, quiet = false) => {
    const o = createOutput({ json: false, quiet, verbose: false, env, stdout, stderr, now: () => 0 });
    for (const e of [
      planned('a.mp3', 'generate'),
      planned('b.mp3', 'generate'),
      submitted('a.mp3'),
      generated('a.mp3', 12),
      failed('b.mp3'),
      summary(),
    ])
      o.event(e);
    o.close();
  };
  const PLAIN_OUT = 'generated a.mp3  (12 credits)\n1 generated, 0 restored, 1 up to date, 1 failed · 12 credits used · 9.0s\n';

  it('stdout is not a terminal: one line per finished asset, nothing redrawn, no escapes', () => {
    const out = stream(false);
    const err = stream(false);
    run({}, out, err);
    expect(out.chunks.join('')).toBe(PLAIN_OUT);
    expect(err.chunks.join('')).toBe('failed    b.mp3  the task failed\n');
  });

  it('CI=true on a terminal: the same plain lines', () => {
    const out = stream(true, 120);
    run({ CI: 'true', NO_COLOR: '1' }, out, stream(true));
    expect(out.chunks.join('')).toBe(PLAIN_OUT);
  });

  it('TERM=dumb: plain lines', () => {
    const out = stream(true, 120);
    run({ TERM: 'dumb' }, out, stream(true));
    expect(out.chunks.join('')).toBe(PLAIN_OUT);
  });

  it('--quiet on a terminal: no area, only problems and the summary', () => {
    const out = stream(true, 120);
    const err = stream(true, 120);
    run({ NO_COLOR: '1' }, out, err, true);
    expect(out.chunks.join('')).toBe('1 generated, 0 restored, 1 up to date, 1 failed · 12 credits used · 9.0s\n');
    expect(err.chunks.join('')).toBe('failed    b.mp3  the task failed\n');
  });

  it('--json: one versioned JSON object per line on stdout, even on a terminal', () => {
    const out = stream(true, 120);
    const err = stream(true, 120);
    const o = createOutput({ json: true, quiet: false, verbose: false, env: {}, stdout: out, stderr: err, now: () => 0 });
    o.event(generated('a.mp3', 12));
    o.notice('for people');
    o.close();
    expect(err.chunks).toEqual(['for people\n']);
    expect(out.chunks).toEqual([
      '{"v":1,"type":"generated","asset":"a.mp3","out":"a.mp3","taskId":"t-a.mp3","bytes":10,"credits":12,"placeholder":false}\n',
    ]);
  });
});

describe('lines of one turn of the event loop', () => {
  /** Real Writables that log each write they receive, tagged with the stream's name. */
  function sinks() {
    const writes: [string, string][] = [];
    const sink = (name: string) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          writes.push([name, chunk.toString()]);
          done();
        },
      });
    return { writes, out: sink('out'), err: sink('err') };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('--json: leave in one write once the synchronous work is done, in order; a later turn is a later write', async () => {
    const { writes, out, err } = sinks();
    const o = createOutput({ json: true, quiet: false, verbose: false, env: {}, stdout: out, stderr: err, now: () => 0 });
    for (let i = 0; i < 500; i++) o.event(generated(`a${i}.mp3`));
    expect(writes, 'held until the synchronous work is done').toEqual([]);
    await tick();
    expect(writes.map(([name]) => name)).toEqual(['out']);
    o.event(generated('later.mp3'));
    o.error('boom', { code: 'E_IO' });
    await tick();
    expect(writes.map(([name]) => name)).toEqual(['out', 'out', 'err']);
    const lines = writes
      .filter(([name]) => name === 'out')
      .flatMap(([, text]) => text.trimEnd().split('\n'))
      .map((l) => JSON.parse(l) as { out?: string });
    expect(lines.map((l) => l.out)).toEqual([...Array.from({ length: 500 }, (_, i) => `a${i}.mp3`), 'later.mp3', undefined]);
  });

  it('plain lines keep their order across stdout and stderr (as `2>&1` shows them), and close() writes what is held', () => {
    const { writes, out, err } = sinks();
    const o = createOutput({ json: false, quiet: false, verbose: false, env: { NO_COLOR: '1' }, stdout: out, stderr: err, now: () => 0 });
    for (const e of [generated('a.mp3'), generated('b.mp3'), failed('c.mp3'), generated('d.mp3')]) o.event(e);
    expect(writes).toEqual([]);
    o.close();
    expect(writes.map(([name, text]) => [name, text.replace(/ +/g, ' ')])).toEqual([
      ['out', 'generated a.mp3\ngenerated b.mp3\n'],
      ['err', 'failed c.mp3 the task failed\n'],
      ['out', 'generated d.mp3\n'],
    ]);
  });
});
