/**
 * Issue 16, item 6, through the built CLI over real HTTP (run `npm run build` first): a base URL
 * that answers with a web page, refuses connections or never answers is named in the error, with
 * a hint, and a web page stops the build once rather than failing every asset as "may have been
 * charged"; `credits` has a visible bound. And `.env`: a byte order mark, a stray line before the
 * key, and a missing key each say what was read.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { jsonLines, kieaudio, runKieaudio } from '../helpers/cli.js';
import { closedPort, startServer, type TestServer } from '../helpers/http.js';
import type { OnFinished } from '../helpers/temp-dir.js';
import { config, FAST_RETRY, fastApi, resources } from './helpers.js';

function spec(count: number): string {
  const lines = ['assets:'];
  for (let i = 0; i < count; i++) lines.push(`  - { id: l${i}, kind: voice, text: "Line number ${i}.", out: l${i}.mp3 }`);
  return `${lines.join('\n')}\n`;
}

const project = (r: ReturnType<typeof resources>, count = 3, concurrency = 2) =>
  r.project({ 'kieaudio.config.yaml': config({ concurrency, api: fastApi({ retry: FAST_RETRY }) }), 'audio/a.audio.yaml': spec(count) });

async function server(onFinished: OnFinished, handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  onFinished(() => s.close());
  return s;
}

const creates = (s: TestServer) => s.requests.filter((q) => q.url === '/api/v1/jobs/createTask').length;

describe.concurrent('a base URL that is not kie.ai', { timeout: 40_000 }, () => {
  it('answering with a web page: one error naming the URL and KIE_API_BASE_URL, no asset "maybe charged"', async ({
    expect,
    onTestFinished,
  }) => {
    const r = resources(onTestFinished);
    const page = await server(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Welcome to nginx!</body></html>');
    });
    const dir = await project(r, 6, 2);
    const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: page.url };
    const run = await kieaudio(dir, ['build'], env);
    expect(run.code).toBe(1);
    const mentions = run.stderr.split('\n').filter((l) => l.includes('web page'));
    expect(mentions, run.stderr).toHaveLength(1);
    expect(mentions[0]).toBe(
      `error: POST /api/v1/jobs/createTask at ${page.url}: the answer is a web page (HTML, HTTP 200), not kie.ai's API; check KIE_API_BASE_URL or api.baseUrl in the config (kie.ai's is https://api.kie.ai)`,
    );
    expect(run.stderr).not.toMatch(/may have been charged|^failed/m);
    // what was already in flight when the first page came back, and nothing after
    expect(creates(page)).toBeLessThanOrEqual(2);

    const json = jsonLines((await kieaudio(dir, ['build', '--json'], env)).stdout);
    expect(json.find((l) => l.type === 'summary')).toMatchObject({ generated: 0, failed: 0, notStarted: 6, possibleDuplicateCharges: 0 });
    expect(json.at(-1)).toMatchObject({ type: 'error', code: 'E_API_NOT_KIE', url: page.url });
  });

  it('refusing connections: the host is named, in build and credits', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const dir = await project(r, 1);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const env = { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: url };
    const build = await kieaudio(dir, ['build'], env);
    expect(build.code).toBe(1);
    // the outage breaker stops after a few refusals, naming the host and the setting to check
    expect(build.stderr).toContain(
      `${url} refused the connection 3 times in a row: is the API down, or is KIE_API_BASE_URL (api.baseUrl) wrong?`,
    );
    const credits = await kieaudio(dir, ['credits'], env);
    expect(credits.code).toBe(1);
    expect(credits.stderr).toBe(`error: GET /api/v1/chat/credit at ${url}: connection refused (check KIE_API_BASE_URL or api.baseUrl)\n`);
  });

  it('never answering: credits gives up after its timeout, naming the host, without retrying the silence', async ({
    expect,
    onTestFinished,
  }) => {
    const r = resources(onTestFinished);
    const silent = await server(onTestFinished, () => undefined);
    // a short request timeout, so the test does not wait the default 10 s (the bound is the shorter)
    const api = fastApi({ retry: FAST_RETRY, requestTimeoutSeconds: 1 });
    const dir = await r.project({ 'kieaudio.config.yaml': config({ concurrency: 2, api }), 'audio/a.audio.yaml': spec(1) });
    // before the fix: 30 s per attempt, five retries — three minutes of nothing
    const run = await runKieaudio(onTestFinished, dir, ['credits'], { KIE_API_KEY: 'sim-key', KIE_API_BASE_URL: silent.url }, 30_000);
    expect(run.signal, 'still waiting after 30 s').toBeNull();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: GET /api/v1/chat/credit at ${silent.url}: timed out: no answer within 1 s\n`);
    expect(silent.requests).toHaveLength(1);
  });
});

describe.concurrent('.env beside the config', { timeout: 30_000 }, () => {
  it('with a UTF-8 byte order mark: the key is read', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await project(r);
    await writeFile(join(dir, '.env'), '\uFEFFKIE_API_KEY=sim-key\n');
    const run = await kieaudio(dir, ['credits'], { KIE_API_BASE_URL: sim.url });
    expect(run.stderr).toBe('');
    // the balance first; the project's estimated costs follow it (docs/budgets.md)
    expect(run.stdout.split('\n')[0]).toBe('100000 credits');
  });

  it('with a stray line before the key: the key is read, and the line is reported by number, never by content', async ({
    expect,
    onTestFinished,
  }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await project(r);
    await writeFile(join(dir, '.env'), 'pasted by mistake\nKIE_API_KEY=sim-key\n');
    const run = await kieaudio(dir, ['build'], { KIE_API_BASE_URL: sim.url });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/3 generated/);
    expect(run.stderr).toBe('.env:1:1: warning: not a KEY=VALUE line, skipped (its text is not shown: it may hold a secret)\n');
  });

  it('without the key: says which .env was read, and why nothing came of it', async ({ expect, onTestFinished }) => {
    const r = resources(onTestFinished);
    const sim = await r.sim();
    const dir = await project(r);
    const noEnv = await kieaudio(dir, ['build'], { KIE_API_BASE_URL: sim.url });
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain('It is not in the environment, and there is no .env (looked for it beside the config).');
    await writeFile(join(dir, '.env'), '# keys\nstray words\nkie_api_key=sim-key\n');
    const wrongName = await kieaudio(dir, ['build'], { KIE_API_BASE_URL: sim.url });
    expect(wrongName.code).toBe(2);
    expect(wrongName.stderr).toContain(
      'It is not in the environment; .env was read; it does not set KIE_API_KEY; it sets kie_api_key instead (names must match exactly); line 2 is not KEY=VALUE and was skipped.',
    );
    const empty = await kieaudio(dir, ['build'], { KIE_API_BASE_URL: sim.url, KIE_API_KEY: '' });
    expect(empty.stderr).toContain('The environment sets KIE_API_KEY to an empty value, which takes precedence over .env.');
    expect(sim.stats().createRequests).toBe(0);
  });
});
