/**
 * Test harness: a simulator on a fake clock (tests move time explicitly instead of sleeping) and
 * a small client speaking real HTTP to it through its own undici Agent.
 */
import { Agent, request } from 'undici';
import type { Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { startSimulator } from '../../src/sim/index.js';

export const KEY = 'sim-key';
export const T0 = 1_750_000_000_000;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** the parsed JSON body, or undefined when it is not JSON */
  json: Record<string, unknown> | undefined;
}

export interface Harness {
  sim: Simulator;
  /** the fake clock: tasks, windows and expiry follow it */
  clock: { now: number; advance(ms: number): void };
  api(method: 'GET' | 'POST', path: string, opts?: { key?: string | null; body?: unknown; rawBody?: string }): Promise<Answer>;
  get(url: string): Promise<{ status: number; headers: Answer['headers']; bytes: Buffer }>;
  createTask(model: string, input: Record<string, unknown>, key?: string): Promise<string>;
  record(taskId: string, key?: string): Promise<Record<string, unknown>>;
  /** moves the clock past the task's latency and returns its final record */
  finish(taskId: string): Promise<Record<string, unknown>>;
}

const open: { sim: Simulator; agent: Agent }[] = [];

/** afterEach hook: closes every harness the test opened. */
export async function closeHarnesses(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(
    all.map(async ({ sim, agent }) => {
      await sim.close();
      await agent.close();
    }),
  );
}

export async function harness(options: SimulatorOptions = {}, realClock = false): Promise<Harness> {
  const clock = {
    now: T0,
    advance(ms: number) {
      this.now += ms;
    },
  };
  const sim = await startSimulator(realClock ? options : { clock: () => clock.now, ...options });
  const agent = new Agent();
  open.push({ sim, agent });

  const api: Harness['api'] = async (method, path, opts = {}) => {
    const key = opts.key === undefined ? KEY : opts.key;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const res = await request(sim.url + path, { method, headers, body, dispatcher: agent });
    const text = await res.body.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };

  const h: Harness = {
    sim,
    clock,
    api,
    async get(url) {
      const res = await request(url, { dispatcher: agent });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, bytes };
    },
    async createTask(model, input, key = KEY) {
      const answer = await api('POST', '/api/v1/jobs/createTask', { key, body: { model, input } });
      const data = answer.json?.data as { taskId?: unknown } | undefined;
      if (answer.json?.code !== 200 || typeof data?.taskId !== 'string') {
        throw new Error(`createTask failed: ${answer.status} ${answer.text}`);
      }
      return data.taskId;
    },
    async record(taskId, key = KEY) {
      const answer = await api('GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`, { key });
      if (answer.json?.code !== 200) throw new Error(`recordInfo failed: ${answer.status} ${answer.text}`);
      return answer.json.data as Record<string, unknown>;
    },
    async finish(taskId) {
      const task = sim.task(taskId);
      if (!task) throw new Error(`no task ${taskId}`);
      clock.now = Math.max(clock.now, task.completesAt);
      return h.record(taskId);
    },
  };
  return h;
}

export function resultUrlOf(record: Record<string, unknown>): string {
  const parsed = JSON.parse(String(record.resultJson)) as { resultUrls: string[] };
  const url = parsed.resultUrls[0];
  if (url === undefined) throw new Error('no result URL');
  return url;
}

export const TURBO = 'elevenlabs/text-to-speech-turbo-2-5';
export const MULTILINGUAL = 'elevenlabs/text-to-speech-multilingual-v2';
export const EFFECT = 'elevenlabs/sound-effect-v2';
