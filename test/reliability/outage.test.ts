/**
 * Issue #16, a dead API: a server that accepts connections and never answers (a black hole), a
 * port where nothing listens, and an API that dies while tasks are in flight. The build must stop
 * sending create requests after a few that went unanswered (each may have been charged) or were
 * refused, name the host, keep what was paid for in the journal, and never go on asset by asset.
 * Real sockets on 127.0.0.1; the build runs through the library.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { REFUSED_CONNECTIONS_TO_TRIP, UNANSWERED_CREATES_TO_TRIP } from '../../src/build/outage-breaker.js';
import type { BuildEvent } from '../../src/events.js';
import { makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { journal } from './process-harness.js';

const CONCURRENCY = 4;

function config(api: string): string {
  return `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
concurrency: ${CONCURRENCY}
defaults: { voice: { voice: Rachel } }
api:
  rateLimit: { requests: 1000, intervalSeconds: 1 }
  retry: { attempts: 5, initialSeconds: 0.05, maxSeconds: 0.2 }
${api}`;
}

function voices(n: number): string {
  const lines = Array.from({ length: n }, (_, i) => `  - { id: line${i}, kind: voice, text: "Line number ${i}.", out: "v/${i}.mp3" }`);
  return `assets:\n${lines.join('\n')}\n`;
}

/** A TCP server that reads every request and never answers one; counts the create requests. */
async function blackHole(): Promise<{ url: string; creates: () => number; close: () => Promise<void> }> {
  let creates = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => {
      creates += chunk.toString('latin1').split('POST /api/v1/jobs/createTask').length - 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    creates: () => creates,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound, then released. */
async function refusingPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function runBuild(dir: string, env: Record<string, string>, extra: Parameters<typeof build>[0] = {}) {
  const events: BuildEvent[] = [];
  const result = await build({ cwd: dir, env, ...extra, onEvent: (e) => events.push(e) });
  return { result, events };
}

describe('an API that accepts connections and never answers', () => {
  it('stops after a few unanswered creates, names the host, and holds those assets on the next build', async () => {
    const hole = await blackHole();
    try {
      const dir = await makeProject({ 'kieaudio.config.yaml': config('  requestTimeoutSeconds: 0.5\n'), 'audio/a.audio.yaml': voices(20) });
      const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: hole.url };
      const { result, events } = await runBuild(dir, env);

      // no more requests than were already in flight, plus the threshold
      expect(hole.creates()).toBeLessThanOrEqual(CONCURRENCY + UNANSWERED_CREATES_TO_TRIP);
      expect(hole.creates()).toBeGreaterThanOrEqual(UNANSWERED_CREATES_TO_TRIP);
      const down = events.filter((e) => e.type === 'warning' && e.code === 'W_API_DOWN');
      expect(down.length).toBeGreaterThanOrEqual(1);
      expect(down.map((e) => (e.type === 'warning' ? e.message : '')).join('\n')).toContain(hole.url);
      const maybeCharged = result.failures.filter((f) => f.maybeCharged);
      expect(maybeCharged.length).toBe(hole.creates());
      expect(result.summary.possibleDuplicateCharges).toBe(hole.creates());
      expect(result.summary.notStarted).toBe(20 - hole.creates());
      expect(result.failures.filter((f) => !f.maybeCharged).every((f) => f.code === 'E_API_DOWN')).toBe(true);
      // each unanswered create is remembered, with when it was sent
      const entries = await journal(dir);
      expect(entries.filter((e) => e.state === 'unanswered').length).toBe(hole.creates());

      // the next build (same dead API) sends nothing for the held ones and stops again for the rest
      const sent = hole.creates();
      const second = await runBuild(dir, env);
      expect(second.result.summary.held).toBe(sent);
      const held = second.events.filter((e) => e.type === 'held').map((e) => e.out);
      expect(held.sort()).toEqual(maybeCharged.map((f) => f.out).sort());
      expect(hole.creates() - sent).toBeLessThanOrEqual(CONCURRENCY + UNANSWERED_CREATES_TO_TRIP);
    } finally {
      await hole.close();
    }
  });
});

describe('a base URL where nothing listens', () => {
  it('stops after a few refused connections instead of retrying asset by asset; nothing is held', async () => {
    const url = await refusingPort();
    const dir = await makeProject({ 'kieaudio.config.yaml': config(''), 'audio/a.audio.yaml': voices(200) });
    const { result, events } = await runBuild(dir, { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: url });
    const down = events.find((e) => e.type === 'warning' && e.code === 'W_API_DOWN');
    expect(down?.type === 'warning' && down.message).toMatch(
      new RegExp(`${url.replace(/[.:/]/g, '\\$&')} refused the connection ${REFUSED_CONNECTIONS_TO_TRIP} times in a row`),
    );
    expect(down?.type === 'warning' && down.message).toContain('KIE_API_BASE_URL');
    // refused means never sent: nothing may have been charged, nothing is held
    expect(result.summary.possibleDuplicateCharges).toBe(0);
    expect(result.summary.failed + result.summary.notStarted).toBe(200);
    // each worker retried at most its own request before the breaker tripped, not 200 × 5 retries
    const retries = events.filter((e) => e.type === 'retry' && e.operation === 'create').length;
    expect(retries).toBeLessThan(CONCURRENCY * 2 + REFUSED_CONNECTIONS_TO_TRIP);
    expect((await journal(dir)).length).toBe(0);
  });
});

describe('an API that dies while tasks are in flight', () => {
  it('stops polling once the failures outlast a blip, and names the API; the paid tasks stay journalled by task id for the next build', async () => {
    const sim = await simulator({ latencyMs: { min: 60_000, max: 60_000 } });
    const dir = await makeProject({
      'kieaudio.config.yaml': config('  poll: { initialSeconds: 0.01, maxSeconds: 0.05, timeoutSeconds: 60 }\n'),
      'audio/a.audio.yaml': voices(3),
    });
    const env = simEnv(sim);
    const submitted: string[] = [];
    let closing: Promise<void> | undefined;
    const events: BuildEvent[] = [];
    const result = await build({
      cwd: dir,
      env,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'submitted') submitted.push(e.taskId);
        // every task is created: the API goes away
        if (submitted.length === 3) closing ??= sim.close();
      },
    });
    await closing;
    expect(events.some((e) => e.type === 'warning' && e.code === 'W_API_DOWN')).toBe(true);
    expect(result.failures.map((f) => f.code)).toEqual(['E_API_DOWN', 'E_API_DOWN', 'E_API_DOWN']);
    // paid for and not lost: each task stays journalled under its id
    const entries = await journal(dir);
    expect(
      entries
        .filter((e) => e.state === 'created')
        .map((e) => e.taskId)
        .sort(),
    ).toEqual([...submitted].sort());
  });
});
