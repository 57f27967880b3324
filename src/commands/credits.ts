/**
 * `credits`: the account's remaining credits — a free call, and so also the quick way to check a
 * key and a base URL. Quick it must be: one request under a short timeout, retried only when the
 * server answered with a passing trouble (429, 5xx), never when it did not answer at all — a server
 * that takes 10 s to say nothing will not say more in 3 minutes.
 */
import { openApi } from '../build/api-session.js';
import type { Diagnostic } from '../errors.js';
import { ApiError } from '../errors.js';
import { isRetryableError, withRetry } from '../kie/retry.js';
import { type CommonOptions, loadSelected } from '../spec/prepare.js';

/** The bound on waiting for an answer (connecting included), or api.requestTimeoutSeconds if shorter. */
const CREDITS_TIMEOUT_MS = 10_000;

export async function credits(
  options: Omit<CommonOptions, 'only'> & {
    signal?: AbortSignal;
    /** warnings found while loading (a `.env` line skipped…), before the request */
    onWarning?: (warning: Diagnostic) => void;
  } = {},
): Promise<number> {
  // the config and .env only: the balance needs no lock, cache or journal (nor a lock that parses)
  const loaded = await loadSelected(options);
  for (const w of loaded.project.warnings) options.onWarning?.(w);
  const api = await openApi({
    project: loaded.project,
    env: loaded.env,
    offline: options.offline === true,
    purpose: 'reading the balance needs it',
    explainMissingKey: () => loaded.explainMissing('KIE_API_KEY'),
    requestTimeoutMs: Math.min(CREDITS_TIMEOUT_MS, loaded.project.config.api.requestTimeoutSeconds * 1000),
  });
  try {
    const signal = options.signal;
    return await withRetry(() => api.client.getCredits(signal ? { signal } : {}), {
      ...(signal ? { signal } : {}),
      retries: 2,
      isRetryable: (e) => isRetryableError(e) && !(e instanceof ApiError && e.code === 'E_NETWORK'),
    });
  } finally {
    await api.close();
  }
}
