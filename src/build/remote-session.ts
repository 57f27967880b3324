/**
 * The team cache as one build uses it: the client, opened only when the plan has something to
 * pay for (a no-op build never touches the network), and how this build may use it — read-only
 * from the config or --remote-cache-read-only, `required` from the config. The token is read from
 * the environment here and handed to the client, never kept anywhere else.
 */
import type { Env, ResolvedConfig } from '../project.js';
import type { RemoteCache } from '../remote/remote-cache.js';

export interface RemoteSession {
  remote: RemoteCache;
  readOnly: boolean;
  required: boolean;
}

export interface RemoteSessionOptions {
  /** --remote-cache-read-only */
  readOnly?: boolean | undefined;
  /** per request; `plan` asks with a short one */
  timeoutMs?: number | undefined;
}

export async function openRemoteSession(
  config: ResolvedConfig,
  env: Env,
  options: RemoteSessionOptions = {},
): Promise<RemoteSession | undefined> {
  const settings = config.remoteCache;
  if (settings === undefined) return undefined;
  const { createRemoteCache } = await import('../remote/remote-cache.js');
  const token = env.KIEAUDIO_REMOTE_CACHE_TOKEN?.trim();
  const remote = createRemoteCache({
    url: settings.url,
    ...(token ? { token } : {}),
    timeoutMs: Math.min(options.timeoutMs ?? Number.POSITIVE_INFINITY, settings.timeoutSeconds * 1000),
  });
  return { remote, readOnly: settings.readOnly || options.readOnly === true, required: settings.required };
}
