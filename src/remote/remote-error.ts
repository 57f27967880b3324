/**
 * What goes wrong with the team cache, as one error type whose `kind` steers the build: a server
 * that is `down` (refused, reset, timed out) is not asked again in this build; a `status` (an HTTP
 * error) or a `bad-blob` (bytes that are not what their hash says) concerns one request only.
 */
import { KieaudioError } from '../errors.js';

export type RemoteErrorKind = 'down' | 'status' | 'bad-blob' | 'protocol';

export class RemoteCacheError extends KieaudioError {
  override name = 'RemoteCacheError';
  readonly kind: RemoteErrorKind;
  readonly status: number | undefined;

  constructor(kind: RemoteErrorKind, message: string, options: { cause?: unknown; status?: number } = {}) {
    super('E_REMOTE_CACHE', message, options.cause === undefined ? {} : { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
  }
}
