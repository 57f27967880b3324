/**
 * Transport failures (no usable HTTP reply) as E_NETWORK ApiErrors. The one thing worth knowing
 * beyond "retry it" is whether the request could have reached the server: a create that may have
 * landed must not be resent blindly (docs/kie-api.md §4).
 */
import { ApiError } from '../errors.js';
import { redactCause } from './redact.js';

/** Failures that happen before a single byte of the request can have been delivered. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** The `code` of `error` or, for AggregateErrors (dual-stack connect), of its first member. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return errorCode(error.cause);
}

/** True when `error` proves the request never left this machine. */
export function neverSent(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NEVER_SENT.has(code);
}

export function networkError(
  error: unknown,
  context: { route: string; secret: string; timedOutMs?: number | undefined; create?: boolean },
): ApiError {
  const code = errorCode(error);
  const reason = context.timedOutMs !== undefined ? `timed out after ${context.timedOutMs} ms` : describe(code);
  return new ApiError('E_NETWORK', `${context.route}: ${reason}`, {
    retryable: true,
    noResponse: true,
    maybeCreated: context.create ? context.timedOutMs !== undefined || !neverSent(error) : undefined,
    cause: redactCause(error, context.secret),
    details: { route: context.route, errno: code },
  });
}

function describe(code: string | undefined): string {
  // only our own words go into the message; the lower layer's text stays in `cause` (redacted)
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'UND_ERR_SOCKET') return 'connection closed by the server';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return 'timed out';
  }
  return code ? `network error (${code})` : 'network error';
}
