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
function neverSent(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NEVER_SENT.has(code);
}

export function networkError(
  error: unknown,
  context: {
    route: string;
    /** the server's origin: named in the message (never a path, query or key) */
    origin: string;
    secret: string;
    timedOutMs?: number | undefined;
    create?: boolean;
  },
): ApiError {
  const code = errorCode(error);
  const reason = context.timedOutMs !== undefined ? `timed out: no answer within ${formatSeconds(context.timedOutMs)}` : describe(code);
  // a server that is not there at all is as often a wrong URL as an outage
  const hint = code !== undefined && NOT_THERE.has(code) ? ' (check KIE_API_BASE_URL or api.baseUrl)' : '';
  return new ApiError('E_NETWORK', `${context.route} at ${context.origin}: ${reason}${hint}`, {
    retryable: true,
    noResponse: true,
    maybeCreated: context.create ? context.timedOutMs !== undefined || !neverSent(error) : undefined,
    cause: redactCause(error, context.secret),
    details: { route: context.route, url: context.origin, errno: code },
  });
}

const NOT_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
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
