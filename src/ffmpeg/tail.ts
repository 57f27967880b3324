/**
 * The end of a stream kept within a byte limit: ffmpeg's stderr can grow with the input (ebur128
 * logs ten lines a second), and what matters — a summary, the reason it failed — comes last.
 */
export interface Tail {
  push(chunk: Buffer): void;
  /** what is kept, as text (a character cut at the start is dropped) */
  text(): string;
}

export function createTail(limit: number): Tail {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit * 2) {
        // compact now and then rather than on every chunk
        const kept = Buffer.concat(chunks).subarray(size - limit);
        chunks = [kept];
        size = kept.length;
      }
    },
    text() {
      const all = Buffer.concat(chunks);
      const kept = all.length > limit ? all.subarray(all.length - limit) : all;
      let start = 0;
      // skip UTF-8 continuation bytes of a character cut in half
      while (start < kept.length && start < 4 && ((kept[start] ?? 0) & 0xc0) === 0x80) start++;
      return kept.subarray(start).toString('utf8');
    },
  };
}
