/** What an API route handler gets: the request, already authenticated and with its body read. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';

export interface ApiCall {
  ctx: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** the authenticated API key */
  key: string;
  body: Buffer;
}

export type ApiHandler = (call: ApiCall) => void;
