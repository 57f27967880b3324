/**
 * Ctrl-C (and SIGTERM, SIGHUP) while a command runs. The first stops starting work and lets what
 * is in flight settle, so the journal is kept and the next build resumes it; the second leaves at
 * once. Either way every file at `out` is still whole: outputs are only ever renamed in.
 */

import { createsAwaitingAnswer } from '../build/unanswered-creates.js';
import { KieaudioError } from '../errors.js';
import { removeLiveTempFilesSync } from '../store/atomic-write.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

export interface Interrupts {
  /** aborted by the first interrupt */
  readonly signal: AbortSignal;
  /**
   * The command has ended with `code`. A signal while the process winds down (a second Ctrl-C
   * just as the first one's stop completes) then exits with that code at once, rather than
   * killing the process by the signal: the exit code says how the command ended.
   */
  ended(code: ExitCode): void;
}

/**
 * Listens for interrupts; the first aborts `signal`, the second exits, and once the command has
 * `ended`, any exits with its code.
 * `stopNotice` says what stopping means right now (activity.ts), or nothing when the command is idle.
 */
export function listenForInterrupts(output: Pick<Output, 'notice' | 'event' | 'close'>, stopNotice: () => string | undefined): Interrupts {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      const notice = stopNotice();
      if (notice !== undefined) output.notice(notice);
      controller.abort(new KieaudioError('E_ABORTED', 'interrupted'));
    } else {
      // Outputs are only ever renamed into place, so none is half-written; temp files go too.
      removeLiveTempFilesSync();
      const unanswered = createsAwaitingAnswer();
      if (unanswered > 0) {
        output.event({
          type: 'warning',
          code: 'W_MAYBE_CHARGED',
          message:
            `quit with ${unanswered} create request${unanswered === 1 ? '' : 's'} still waiting for an answer: each may have been charged. ` +
            'The next build holds those assets instead of paying again (kieaudio status lists them; --resend-unanswered sends them)',
        });
        output.close();
      }
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // a closed terminal: stop as for Ctrl-C rather than die mid-write, leaving the lock behind
  process.on('SIGHUP', onSignal);
  return {
    signal: controller.signal,
    ended(code) {
      const exitNow = () => {
        removeLiveTempFilesSync();
        process.exit(code);
      };
      for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.off(name, onSignal);
        process.on(name, exitNow);
      }
    },
  };
}
