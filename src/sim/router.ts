/**
 * Dispatch of every request: count it, apply the slow and transport faults, authenticate API
 * calls, then hand over to the route. Unknown routes get a real HTTP 404, as kie's gateway gives.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimContext } from './context.js';
import { AUTH_FAILURE_MSG, authenticate } from './http/auth.js';
import { readBody } from './http/read-body.js';
import { resetConnection, sendApiError, sendRouteNotFound, sendServerError, sendTruncatedJson } from './http/respond.js';
import type { ApiHandler } from './routes/api-call.js';
import { createTask } from './routes/create-task.js';
import { credit } from './routes/credit.js';
import { downloadUrl } from './routes/download-url.js';
import { recordInfo } from './routes/record-info.js';
import { resultFile } from './routes/result-file.js';

type RequestCounter = 'createRequests' | 'polls' | 'downloadUrlRequests' | 'creditRequests';

const API_ROUTES: Readonly<Record<string, { handler: ApiHandler; counter: RequestCounter }>> = {
  'POST /api/v1/jobs/createTask': { handler: createTask, counter: 'createRequests' },
  'GET /api/v1/jobs/recordInfo': { handler: recordInfo, counter: 'polls' },
  'POST /api/v1/common/download-url': { handler: downloadUrl, counter: 'downloadUrlRequests' },
  'GET /api/v1/chat/credit': { handler: credit, counter: 'creditRequests' },
};

export const FILE_ROUTE = 'GET /files/*';
export const UNROUTED = 'unrouted';

export async function handleRequest(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', ctx.baseUrl);
    const routeKey = `${req.method ?? ''} ${url.pathname}`;
    const api = Object.hasOwn(API_ROUTES, routeKey) ? API_ROUTES[routeKey] : undefined;
    const isFile = (req.method === 'GET' || req.method === 'HEAD') && url.pathname.startsWith('/files/');
    const route = api ? routeKey : isFile ? FILE_ROUTE : UNROUTED;
    ctx.stats.route(route);
    if (api) ctx.stats.count(api.counter);

    const body = await readBody(req);
    const slowMs = ctx.dice.faults.slowMs;
    if (slowMs > 0) await delay(slowMs, undefined, { signal: ctx.closing });
    await ctx.options.onRequest?.({ route, method: req.method ?? '', path: url.pathname });
    if (ctx.closing.aborted) throw ctx.closing.reason;

    if (isFile) return resultFile(ctx, req, res, url);
    if (!api) return sendRouteNotFound(res, url.pathname);

    if (ctx.dice.roll('connectionReset')) return resetConnection(res);
    if (ctx.dice.roll('http500')) return sendServerError(res);
    if (ctx.dice.roll('invalidJson')) return sendTruncatedJson(res);
    const key = authenticate(ctx, req);
    if (key === undefined) return sendApiError(ctx, res, 401, AUTH_FAILURE_MSG);
    api.handler({ ctx, req, res, url, key, body });
  } catch (error) {
    if (ctx.closing.aborted) {
      res.socket?.destroy();
      return;
    }
    // a simulator bug: say so in the answer instead of hanging the client
    if (!res.headersSent) sendServerError(res, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
    else res.socket?.destroy();
  }
}
