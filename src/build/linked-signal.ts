/**
 * A signal that follows the build's and may carry any number of listeners: the team cache's
 * requests each add one, and a thousand lookups in flight are expected, not a leak.
 */
import { setMaxListeners } from 'node:events';

export interface LinkedSignal {
  signal: AbortSignal;
  /** Stops following the build's signal. */
  release(): void;
}

export function linkedSignal(parent: AbortSignal | undefined): LinkedSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  if (parent?.aborted) onAbort();
  return { signal: controller.signal, release: () => parent?.removeEventListener('abort', onAbort) };
}
