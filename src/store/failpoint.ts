/**
 * Crash points for the crash-safety tests: with `KIEAUDIO_FAILPOINT=<name>[:<n>]` in the
 * environment, the process kills itself with SIGKILL the n-th time (default: first) it passes the
 * point named. Nothing runs when the variable is unset; the check is one string compare.
 */
const spec = process.env.KIEAUDIO_FAILPOINT;
const [target, nth] = spec ? spec.split(':') : [];
let remaining = Number(nth ?? 1) || 1;

export type FailpointName =
  | 'before-create' // the journal says "creating", the request is not sent yet
  | 'after-create' // the API answered with a task id, the journal does not have it yet
  | 'after-journal' // the task id is journalled, nothing polled yet
  | 'polling' // between two status polls
  | 'mid-download' // part of the result is in a temp file
  | 'after-cache' // the result is in the cache, not yet at `out`
  | 'after-install' // the result is at `out`, the lock does not say so yet
  | 'lock-write'; // the new lock is in a temp file, not yet renamed over kieaudio.lock

export function failpoint(name: FailpointName): void {
  if (target !== name) return;
  remaining -= 1;
  if (remaining === 0) process.kill(process.pid, 'SIGKILL');
}
