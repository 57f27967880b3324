/**
 * The API a build talks to: kie.ai (or KIE_API_BASE_URL) with the user's key, or, for
 * `--offline`, the simulator started in this process on 127.0.0.1 with a throwaway key.
 */
import { randomBytes } from 'node:crypto';
import { KieaudioError } from '../errors.js';
import { createKieClient, type KieClient } from '../kie/client.js';
import type { Env, Project } from '../project.js';

export interface ApiSession {
  client: KieClient;
  baseUrl: string;
  close(): Promise<void>;
}

export async function openApi(options: {
  project: Project;
  env: Env;
  offline: boolean;
  /** what the key is needed for, for the message when there is none */
  purpose?: string;
  /** why KIE_API_KEY has no value (which `.env` was read, what it held), for that message */
  explainMissingKey?: () => string;
  /** per request; default the client's (30 s) */
  requestTimeoutMs?: number;
}): Promise<ApiSession> {
  if (options.offline) {
    const { startSimulator } = await import('../sim/index.js');
    const key = `offline-${randomBytes(8).toString('hex')}`;
    const sim = await startSimulator({ apiKeys: [key], rateLimit: false, latencyMs: { min: 5, max: 20 } });
    const client = createKieClient({ baseUrl: sim.url, apiKey: key });
    return {
      client,
      baseUrl: sim.url,
      async close() {
        await client.close();
        await sim.close();
      },
    };
  }
  const apiKey = options.env.KIE_API_KEY?.trim();
  if (!apiKey) {
    const why = options.explainMissingKey ? ` ${options.explainMissingKey()}` : '';
    throw new KieaudioError(
      'E_NO_API_KEY',
      `KIE_API_KEY is not set, and ${options.purpose ?? 'some assets need generating'}.${why} Set it in the environment or in a .env file beside the config` +
        // placeholders are an answer for a build, not for a question only kie.ai can answer
        (options.purpose === undefined ? ' (or try --offline for placeholder audio).' : '.'),
    );
  }
  const baseUrl = options.project.config.api.baseUrl;
  const client = createKieClient({
    baseUrl,
    apiKey,
    // credits asks for less than a build's request timeout (commands/credits.ts)
    requestTimeoutMs: options.requestTimeoutMs ?? options.project.config.api.requestTimeoutSeconds * 1000,
  });
  return { client, baseUrl, close: () => client.close() };
}
