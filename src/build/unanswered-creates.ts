/**
 * The create requests of this process that are out and not yet answered. A second Ctrl-C leaves
 * at once, without waiting for them (cli/interrupts.ts): it says how many there were, because
 * each may have been charged. Their `creating` journal entries make the next build hold them.
 */
const awaiting = new Set<string>();

/** Runs `send` (one create request for `specHash`), counted as awaiting an answer while it runs. */
export async function awaitingAnswer<T>(specHash: string, send: () => Promise<T>): Promise<T> {
  awaiting.add(specHash);
  try {
    return await send();
  } finally {
    awaiting.delete(specHash);
  }
}

/** How many create requests are out without an answer right now. */
export function createsAwaitingAnswer(): number {
  return awaiting.size;
}
