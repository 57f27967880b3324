/**
 * What a child wrote to a stream, kept within a byte limit: its beginning (ffmpeg describes its
 * input there) and its end (a summary, the reason it failed), with the middle dropped — ffmpeg's
 * stderr grows with the input (ebur128 logs ten lines a second).
 */
export interface Capture {
  push(chunk: Buffer): void;
  /** what is kept, as text; `[…]` on a line of its own marks where bytes were dropped */
  text(): string;
}

/** Keeps the first `head` bytes and the last `limit - head`. */
export function createCapture(limit: number, head = Math.min(16 * 1024, Math.floor(limit / 4))): Capture {
  const tailLimit = limit - head;
  let start = Buffer.alloc(0);
  let chunks: Buffer[] = [];
  let size = 0;
  let dropped = false;
  return {
    push(chunk) {
      let rest = chunk;
      if (start.length < head) {
        const take = rest.subarray(0, head - start.length);
        start = Buffer.concat([start, take]);
        rest = rest.subarray(take.length);
      }
      if (rest.length === 0) return;
      chunks.push(rest);
      size += rest.length;
      if (size > tailLimit * 2) {
        // compact now and then rather than on every chunk
        const kept = Buffer.concat(chunks).subarray(size - tailLimit);
        chunks = [kept];
        size = kept.length;
        dropped = true;
      }
    },
    text() {
      const all = Buffer.concat(chunks);
      const cut = dropped || all.length > tailLimit;
      const tail = all.length > tailLimit ? all.subarray(all.length - tailLimit) : all;
      if (!cut) return Buffer.concat([start, tail]).toString('utf8');
      return `${start.toString('utf8')}\n[…]\n${fromLineStart(tail)}`;
    },
  };
}

/** The text of `bytes` from its first whole line (the cut one before it is dropped). */
function fromLineStart(bytes: Buffer): string {
  const newline = bytes.indexOf(0x0a);
  return (newline < 0 ? bytes : bytes.subarray(newline + 1)).toString('utf8');
}
