/** Bearer-key authentication. The key doubles as the account: limits and credits are per key. */
import type { IncomingMessage } from 'node:http';
import type { SimContext } from '../context.js';

export const AUTH_FAILURE_MSG = 'You do not have access permissions';

/** The accepted key the request carries, or undefined when it carries none or an unknown one. */
export function authenticate(ctx: SimContext, req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const key = match?.[1];
  return key !== undefined && ctx.options.apiKeys.has(key) ? key : undefined;
}
