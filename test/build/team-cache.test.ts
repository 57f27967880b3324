/**
 * The team cache in real builds: two clones of one project share a cache on a real server (nginx
 * where installed, webdav-server always), and the second pays for nothing. What goes wrong with
 * the server (down, slow, 500, a bad blob, an upload cut off) is a warning with a count, and the
 * build goes on — or, with `required`, fails those assets before paying. Secrets stay secret.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { plan } from '../../src/commands/plan.js';
import { BuildEventSchema } from '../../src/events.js';
import type { BuildEvent } from '../../src/index.js';
import { createContentCache } from '../../src/store/content-cache.js';
import { sha256Hex } from '../../src/store/sha256.js';
import { type CacheServer, nginxOrNotice, startNginxCache, startWebdavCache } from '../helpers/cache-servers.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const HAS_NGINX = nginxOrNotice();

const TOKEN = 'team-token-3b8e2a';
const API_KEY = 'sim-key-9f7d4c';
const OUTS = ['npc/greet.mp3', 'npc/bye.mp3', 'sfx/coin.mp3'];

const config = (remote: string) => `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
${FAST_API}cache:
  remote:
${remote}defaults:
  voice: { voice: Rachel }
`;

const SPEC = `assets:
  - { id: greet, kind: voice, text: "Need a blade sharpened?", out: npc/greet.mp3 }
  - { id: bye, kind: voice, text: "Mind the edge.", out: npc/bye.mp3 }
  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: sfx/coin.mp3 }
`;

/** A clone of the project: the same files, its own local state. */
function clone(url: string, extra = '') {
  return makeProject({
    'kieaudio.config.yaml': config(`    url: ${url}\n    timeoutSeconds: 0.5\n${extra}`),
    'audio/lines.audio.yaml': SPEC,
  });
}

async function setup(server: CacheServer, extra = '') {
  const sim = await simulator({ apiKeys: [API_KEY] });
  const proxy = await startFaultProxy(server.url, onTestFinished);
  const env = simEnv(sim, { KIE_API_KEY: API_KEY, KIEAUDIO_REMOTE_CACHE_TOKEN: TOKEN });
  return { sim, proxy, env, clone: () => clone(proxy.url, extra) };
}

const creates = (sim: Awaited<ReturnType<typeof simulator>>) => sim.stats().createRequests;
const warnings = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'warning' && e.code === 'W_REMOTE_CACHE' ? [e.message] : []));

async function outputs(dir: string): Promise<Buffer[]> {
  return Promise.all(OUTS.map((out) => readFile(join(dir, 'out', out))));
}

/** A first clone that generated everything and filled the team cache. */
async function seeded(server: CacheServer, extra = '') {
  const s = await setup(server, extra);
  const first = await s.clone();
  const built = await runBuild(first, s.env);
  expect(built.failures).toEqual([]);
  expect(built.summary.generated).toBe(3);
  expect(built.summary.remote).toMatchObject({ misses: 3, uploads: 3, errors: 0 });
  return { ...s, first, built };
}

async function sharesBetweenClones(server: CacheServer) {
  const { sim, proxy, env, clone: another, first, built: firstBuild } = await seeded(server);
  const before = creates(sim);
  const second = await another();
  const planned = await plan({ cwd: second, env });
  expect(planned.plan.items.map((i) => i.reason)).toEqual(OUTS.map(() => expect.stringContaining('in the team cache')));
  const built = await runBuild(second, env);
  expect(built.failures).toEqual([]);
  expect(creates(sim)).toBe(before);
  expect(built.summary).toMatchObject({ generated: 0, restored: 3, remote: { hits: 3, misses: 0, uploads: 0, errors: 0 } });
  expect(await outputs(second)).toEqual(await outputs(first));
  // a no-op build asks the server nothing
  const counts = JSON.stringify(proxy.counts);
  expect((await runBuild(second, env)).summary.upToDate).toBe(3);
  expect(JSON.stringify(proxy.counts)).toBe(counts);
  return { dirs: [first, second], events: [...firstBuild.events, ...built.events] };
}

describe('a team cache shared by two clones', () => {
  it.skipIf(!HAS_NGINX)('on nginx: the second clone pays for nothing and restores byte for byte', async () => {
    const server = await startNginxCache(onTestFinished);
    await sharesBetweenClones(server);
  });

  it('on webdav-server: the same, and neither the key nor the token is written anywhere', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { dirs, events } = await sharesBetweenClones(server);
    // what --json prints of them is valid against the published schema (strict objects)
    for (const event of events) expect(() => BuildEventSchema.parse(event)).not.toThrow();
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(JSON.stringify(events)).not.toContain(API_KEY);
    const files = [...(await filesIn(server.dir)), ...(await filesIn(dirs[0] ?? '')), ...(await filesIn(dirs[1] ?? ''))];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = await readFile(file, 'latin1');
      expect(text, file).not.toContain(TOKEN);
      expect(text, file).not.toContain(API_KEY);
    }
  });
});

describe('a team cache that misbehaves', () => {
  it('read-only: restores from it, never sends a PUT', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { sim, proxy, env, clone: another } = await setup(server);
    const dir = await another();
    const built = await runBuild(dir, env, { remoteCacheReadOnly: true });
    expect(built.summary).toMatchObject({ generated: 3, remote: { misses: 3, uploads: 0 } });
    expect(proxy.counts.PUT ?? 0).toBe(0);
    expect(creates(sim)).toBe(3);
  });

  it('a corrupted blob is detected and never installed: the asset is generated', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { sim, proxy, env, clone: another } = await seeded(server);
    proxy.fault = 'corrupt';
    const second = await another();
    const built = await runBuild(second, env, { remoteCacheReadOnly: true });
    expect(built.failures).toEqual([]);
    expect(built.summary).toMatchObject({ generated: 3, remote: { hits: 0, errors: 3 } });
    expect(warnings(built.events).join('\n')).toContain('bytes of another hash');
    expect(creates(sim)).toBe(6);
    // every entry in the local cache is what its record says: the flipped bytes were not kept
    const cache = createContentCache(join(second, '.kieaudio/cache'));
    const hashes = await cache.list();
    expect(hashes).toHaveLength(3);
    for (const hash of hashes) {
      const record = await cache.lookup(hash);
      expect(sha256Hex(await readFile(cache.dataPath(hash)))).toBe(record?.contentHash);
    }
  });

  it.each(['down', 'slow', 'error'] as const)('a server that is %s: the build completes by generating, and says why', async (fault) => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { sim, proxy, env, clone: another } = await setup(server);
    proxy.fault = fault;
    const built = await runBuild(await another(), env);
    expect(built.failures).toEqual([]);
    expect(built.summary.generated).toBe(3);
    expect(built.summary.remote?.errors).toBeGreaterThan(0);
    expect(warnings(built.events)[0]).toMatch(fault === 'error' ? /HTTP 500/ : /did not answer/);
    expect(creates(sim)).toBe(3);
  });

  it('required: a server that is down fails those assets before paying (0 requests)', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { sim, proxy, env, clone: another } = await setup(server, '    required: true\n');
    proxy.fault = 'down';
    const built = await runBuild(await another(), env);
    expect(built.failures.map((f) => f.code)).toEqual(['E_REMOTE_CACHE', 'E_REMOTE_CACHE', 'E_REMOTE_CACHE']);
    expect(Object.values(sim.stats().requestsByRoute).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('Ctrl-C aborts uploads in flight at once, rather than waiting for their timeout', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const sim = await simulator({ apiKeys: [API_KEY] });
    const proxy = await startFaultProxy(server.url, onTestFinished);
    const dir = await makeProject({
      'kieaudio.config.yaml': config(`    url: ${proxy.url}\n    timeoutSeconds: 120\n`),
      'audio/lines.audio.yaml': SPEC,
    });
    proxy.fault = 'slow-upload';
    const controller = new AbortController();
    // Ctrl-C while an upload waits on the server
    proxy.onHold = () => controller.abort();
    const started = Date.now();
    const env = simEnv(sim, { KIE_API_KEY: API_KEY, KIEAUDIO_REMOTE_CACHE_TOKEN: TOKEN });
    const error = await runBuild(dir, env, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('E_ABORTED');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(proxy.counts.HEAD ?? 0).toBeGreaterThan(0);
    expect(proxy.counts.PUT ?? 0).toBe(0);
  });

  it('plan says which assets are in the team cache, and is not held up by one that never answers', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { proxy, env, clone: another } = await seeded(server);
    proxy.fault = 'slow';
    const planned = await plan({ cwd: await another(), env });
    expect(planned.teamCacheUnreadable).toContain('did not answer');
    expect(planned.plan.items.map((i) => i.action.type)).toEqual(['generate', 'generate', 'generate']);
  });

  it('an upload cut off half-way never fails a build that generated', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const { proxy, env, clone: another } = await setup(server);
    proxy.fault = 'drop-upload';
    const built = await runBuild(await another(), env);
    expect(built.failures).toEqual([]);
    expect(built.summary.generated).toBe(3);
    expect(built.summary.remote?.uploads).toBe(0);
    expect(warnings(built.events).join('\n')).toContain('upload');
  });
});

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
