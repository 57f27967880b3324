/**
 * A small proxy in front of a real cache server that injects the faults a team cache shows in
 * life: `down` (connections reset at once), `slow` (never answers: the client's timeout must end
 * it; `slow-upload` only for HEAD and PUT, the requests of an upload), `error` (HTTP 500), `corrupt` (blobs served with a byte flipped) and `drop-upload` (a PUT's
 * connection cut half-way through its body). `pass` forwards everything. Requests are counted by
 * method, so a test can prove a read-only build sent no PUT.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OnFinished } from './temp-dir.js';

export type Fault = 'pass' | 'down' | 'slow' | 'slow-upload' | 'error' | 'corrupt' | 'drop-upload';

export interface FaultProxy {
  url: string;
  fault: Fault;
  /** requests seen, by method (GET, HEAD, PUT) */
  counts: Record<string, number>;
  /** every Authorization header seen */
  authorizations: string[];
  /** called when a request is held (`slow`, `slow-upload`): the moment a client is waiting on it */
  onHold?: () => void;
}

export async function startFaultProxy(target: string, onFinished: OnFinished): Promise<FaultProxy> {
  const proxy: FaultProxy = { url: '', fault: 'pass', counts: {}, authorizations: [] };
  const server = createServer((req, res) => {
    const method = req.method ?? '';
    proxy.counts[method] = (proxy.counts[method] ?? 0) + 1;
    if (req.headers.authorization !== undefined) proxy.authorizations.push(req.headers.authorization);
    handle(proxy, target, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function handle(proxy: FaultProxy, target: string, req: IncomingMessage, res: ServerResponse): void {
  switch (proxy.fault) {
    case 'down':
      req.socket.destroy();
      return;
    case 'slow':
      proxy.onHold?.();
      return; // held open until the client gives up (its timeout), or the proxy closes
    case 'slow-upload':
      if (req.method === 'PUT' || req.method === 'HEAD') {
        proxy.onHold?.();
        return;
      }
      break;
    case 'error':
      req.resume();
      res.writeHead(500).end('internal error');
      return;
    case 'drop-upload':
      if (req.method === 'PUT') {
        req.once('data', () => req.socket.destroy());
        return;
      }
      break;
    default:
      break;
  }
  forward(proxy, target, req, res);
}

function forward(proxy: FaultProxy, target: string, req: IncomingMessage, res: ServerResponse): void {
  const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    const corrupt = proxy.fault === 'corrupt' && req.method === 'GET' && (req.url ?? '').includes('/cas/');
    if (!corrupt) {
      answer.pipe(res);
      return;
    }
    let first = true;
    answer.on('data', (chunk: Buffer) => {
      if (first && chunk.length > 0) chunk[chunk.length - 1] = (chunk[chunk.length - 1] ?? 0) ^ 0xff;
      first = false;
      res.write(chunk);
    });
    answer.on('end', () => res.end());
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}
