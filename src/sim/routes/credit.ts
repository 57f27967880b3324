/** GET /api/v1/chat/credit: the key's balance as a bare number. */
import { sendSuccess } from '../http/respond.js';
import type { ApiCall } from './api-call.js';

export function credit({ ctx, res, key }: ApiCall): void {
  sendSuccess(res, ctx.credits.balance(key));
}
