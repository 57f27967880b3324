/**
 * Lines for stdout and stderr, held until the end of the current turn of the event loop and then
 * written in the order they came, each run of lines for one stream in one write. A build
 * restoring thousands of files emits a line per file from one synchronous pass; written one by
 * one, they cost a system call each (and, on a pipe, a wake-up of the reader): 25–30 ms per
 * 1,000 lines, a quarter of the copying itself. Order across the two streams is kept, so
 * `2>&1` reads as it happened.
 */

/** The part of a stream the queue writes to. */
export interface LineStream {
  write(text: string): unknown;
}

export interface LineQueue {
  /** holds `text` for `stream` until the end of this turn (or `flush()`) */
  write(stream: LineStream, text: string): void;
  /** writes everything held now */
  flush(): void;
}

export function createLineQueue(): LineQueue {
  let queue: { stream: LineStream; text: string }[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const pending = queue;
    queue = [];
    let stream: LineStream | undefined;
    let text = '';
    for (const item of pending) {
      if (item.stream !== stream) {
        stream?.write(text);
        stream = item.stream;
        text = '';
      }
      text += item.text;
    }
    stream?.write(text);
  };
  return {
    write(stream, text) {
      queue.push({ stream, text });
      if (!scheduled) {
        scheduled = true;
        // before the process can exit: no turn of the event loop ends with lines still held
        process.nextTick(flush);
      }
    },
    flush,
  };
}
