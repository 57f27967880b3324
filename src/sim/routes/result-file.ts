/**
 * GET /files/<random>/<taskId>.<ext>: the result bytes, with the download faults. These are plain
 * file answers (real HTTP 403/404), not API envelopes: kie serves results from a file host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimContext } from '../context.js';
import { resultBytes } from '../task-snapshot.js';
import { stateAt } from '../tasks.js';
import type { DownloadPacing } from '../types.js';

export function resultFile(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const now = ctx.now();
  const task = ctx.tasks.byResultPath(url.pathname);
  if (
    task?.resultPath === undefined ||
    stateAt(task, now) !== 'success' ||
    now >= task.completesAt + ctx.options.resultTtlMs ||
    ctx.dice.roll('download404')
  ) {
    sendPlain(res, 404, 'Not Found');
    return;
  }

  const signature = url.searchParams.get('sig');
  if (signature !== null) {
    const check = ctx.signedUrls.check(url.pathname, signature, now);
    if (check !== 'valid') {
      sendPlain(res, 403, check === 'expired' ? 'Request has expired' : 'Forbidden');
      return;
    }
  } else {
    if (!task.forbidden && ctx.dice.roll('resultUrlForbidden')) task.forbidden = true;
    if (task.forbidden) {
      sendPlain(res, 403, 'Forbidden');
      return;
    }
  }

  // rendered for this answer only, and forgotten once sent
  const bytes = resultBytes(task, ctx.options.resultAudio);
  res.writeHead(200, { 'content-type': task.audio.contentType, 'content-length': bytes.length });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (ctx.dice.roll('truncatedDownload')) {
    // the announced length stays the full size; the connection dies part-way through
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.on('finish', () => ctx.stats.count('downloads'));
  const pacing = ctx.options.downloadPacing;
  if (pacing && bytes.length > pacing.chunkBytes) void sendPaced(ctx, res, bytes, pacing);
  else res.end(bytes);
}

/** Streams `bytes` a chunk at a time; stops quietly when the client goes away or the simulator closes. */
async function sendPaced(ctx: SimContext, res: ServerResponse, bytes: Buffer, pacing: DownloadPacing): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += pacing.chunkBytes) {
    if (res.destroyed || ctx.closing.aborted) return;
    const chunk = bytes.subarray(offset, offset + pacing.chunkBytes);
    if (offset + pacing.chunkBytes >= bytes.length) {
      res.end(chunk);
      return;
    }
    res.write(chunk);
    try {
      await delay(pacing.intervalMs, undefined, { signal: ctx.closing });
    } catch {
      res.socket?.destroy();
      return;
    }
  }
}

function sendPlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
