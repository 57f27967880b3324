/**
 * Pure: what the command is doing right now, folded from the events it reports, so that Ctrl-C
 * says only what is true. A watch between builds has nothing in flight and nothing to stop; a
 * build that has not yet submitted anything has no tasks to leave in the journal.
 */
import type { WatchEvent } from '../events.js';

export interface Activity {
  apply(event: WatchEvent): void;
  /** what the first Ctrl-C is about to do, or undefined when there is nothing to stop but the command itself */
  stopNotice(): string | undefined;
}

const AGAIN = '(Ctrl-C again to quit at once)';

export function createActivity(): Activity {
  let building = false;
  /** out paths whose task exists at the API and has not ended here: they stay in the journal */
  const inFlight = new Set<string>();
  const settle = () => {
    building = false;
    inFlight.clear();
  };
  return {
    apply(event) {
      switch (event.type) {
        case 'rebuild':
          settle();
          building = true;
          break;
        case 'planned':
          building = true;
          if (event.action === 'resume') inFlight.add(event.out);
          break;
        case 'submitted':
        case 'state':
          inFlight.add(event.out);
          break;
        case 'generated':
        case 'failed':
          inFlight.delete(event.out);
          break;
        case 'summary':
        case 'rebuild-error':
          settle();
          break;
        default:
          break;
      }
    },
    stopNotice() {
      const n = inFlight.size;
      if (n > 0) {
        return `stopping: no new tasks; the ${n === 1 ? 'task' : `${n} tasks`} in flight stay${n === 1 ? 's' : ''} in the journal for the next build ${AGAIN}`;
      }
      return building ? `stopping: no new tasks ${AGAIN}` : undefined;
    },
  };
}
