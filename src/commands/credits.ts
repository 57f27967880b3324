import { openApi } from '../build/api-session.js';
import { withRetry } from '../kie/retry.js';
import { type CommonOptions, prepareProject } from '../spec/prepare.js';

/** The account's remaining credits (a free call: also a quick check that the key works). */
export async function credits(options: Omit<CommonOptions, 'only'> & { signal?: AbortSignal } = {}): Promise<number> {
  const { project, env } = await prepareProject(options);
  const api = await openApi({ project, env, offline: options.offline === true, purpose: 'reading the balance needs it' });
  try {
    const signal = options.signal;
    return await withRetry(() => api.client.getCredits(signal ? { signal } : {}), signal ? { signal } : {});
  } finally {
    await api.close();
  }
}
