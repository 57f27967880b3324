/**
 * Crash points for the crash-safety tests: with `KIEAUDIO_FAILPOINT=<name>[:<n>]` in the
 * environment, the process kills itself with SIGKILL the n-th time (default: first) it passes the
 * point named. And file system faults for the clean-failure tests, where the real thing (a full
 * disk) cannot be arranged in a test: `KIEAUDIO_TEST_FS_ERROR=<errno>:<path part>`. Nothing runs
 * when the variables are unset; each check is one string compare.
 */
import { sep } from 'node:path';

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

const fsFault = process.env.KIEAUDIO_TEST_FS_ERROR;
const [faultCode, faultPath] = fsFault ? [fsFault.slice(0, fsFault.indexOf(':')), fsFault.slice(fsFault.indexOf(':') + 1)] : [];

/**
 * Throws the errno error `KIEAUDIO_TEST_FS_ERROR` names, shaped as Node's own (`code`, `syscall`,
 * `path`), when kieaudio is about to write `path` and it contains the path part named (`/`
 * separated). Called where kieaudio writes state: the build lock, atomic writes, write probes.
 */
export function fsFaultpoint(path: string, syscall: string): void {
  if (!faultCode || !faultPath || !path.split(sep).join('/').includes(faultPath)) return;
  throw Object.assign(new Error(`${faultCode}: injected by KIEAUDIO_TEST_FS_ERROR, ${syscall} '${path}'`), {
    code: faultCode,
    syscall,
    path,
  });
}
