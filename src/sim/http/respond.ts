/**
 * How the simulator answers: kie's {code, msg, data} envelope, errors either inside HTTP 200 or
 * as the HTTP status (the `errorsAsBodyCode` switch, since kie has been seen doing both), and the
 * broken answers the faults call for.
 */
import type { ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';

/** recordInfo names its message `message`; every other endpoint says `msg` (docs/kie-api.md §1). */
export type MessageField = 'msg' | 'message';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendSuccess(res: ServerResponse, data: unknown, field: MessageField = 'msg'): void {
  sendJson(res, 200, { code: 200, [field]: 'success', data });
}

/** An API error as kie reports it: body code `code`, in HTTP 200 unless errorsAsBodyCode is off. */
export function sendApiError(ctx: SimContext, res: ServerResponse, code: number, message: string, field: MessageField = 'msg'): void {
  const status = ctx.dice.faults.errorsAsBodyCode ? 200 : code;
  sendJson(res, status, { code, [field]: message, data: null });
}

/** Rate limiting always comes as a real HTTP 429 (kie's docs: "rejected with HTTP 429"). */
export function sendRateLimited(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.count('rejected429');
  sendJson(res, 429, { code: 429, msg: 'Too many requests, please slow down', data: null });
}

export function sendServerError(res: ServerResponse, message = 'Internal Server Error'): void {
  sendJson(res, 500, { code: 500, msg: message, data: null });
}

/** HTTP 200 whose JSON body stops mid-way, as a proxy cutting a response short would leave it. */
export function sendTruncatedJson(res: ServerResponse): void {
  const text = '{"code":200,"msg":"success","data":{"taskId":"';
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A real HTTP 404 for routes that do not exist, as kie's gateway answers them. */
export function sendRouteNotFound(res: ServerResponse, path: string): void {
  sendJson(res, 404, { status: 404, error: 'Not Found', path });
}

/** Sends a TCP RST: the client sees ECONNRESET with no answer. */
export function resetConnection(res: ServerResponse): void {
  res.socket?.resetAndDestroy();
}

/** Closes the connection without an answer after the request was processed. */
export function dropConnection(res: ServerResponse): void {
  res.socket?.destroy();
}
