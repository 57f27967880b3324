/** Request bodies: read whole (they are small JSON documents) and parsed without throwing. */
import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    // keep draining so the connection stays usable, but stop keeping what nobody will parse
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? Buffer.alloc(0) : Buffer.concat(chunks);
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

export function parseJson(body: Buffer): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}
