/**
 * The kie.ai reply envelope `{code, msg|message, data}` and how a failed reply maps to an
 * ApiError. Failure can arrive as an HTTP status, as `code` inside an HTTP 200 body, or both
 * (docs/kie-api.md §3), so classification looks at the body code first and falls back to the status.
 */
import { ApiError, type ErrorCode } from '../errors.js';
import { isRecord } from '../is-record.js';

export interface Envelope {
  code: number;
  /** `msg ?? message`: the docs use both names */
  msg: string | undefined;
  data: unknown;
}

/** The envelope in `text`, or undefined when it is not JSON or has no numeric `code`. */
export function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const code = toCode(value.code);
  if (code === undefined) return undefined;
  const msg = typeof value.msg === 'string' ? value.msg : typeof value.message === 'string' ? value.message : undefined;
  return { code, msg, data: value.data };
}

function toCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  // some proxies stringify numbers; "200" must still count as success
  if (typeof value === 'string' && /^\d{3}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * kie reports some request validation failures as code 500 (docs/kie-api.md §3). Retrying those only
 * burns rate limit, so they are recognised by message and treated like 422.
 */
const VALIDATION_MESSAGE =
  /not within the range|allowed options|exceeds? (?:the )?max(?:imum)? length|too long|\binvalid\b|\brequired\b|must be|not supported|out of range/i;

export function isValidationMessage(msg: string | undefined): boolean {
  return msg !== undefined && VALIDATION_MESSAGE.test(msg);
}

export interface FailedReply {
  /** HTTP status */
  status: number;
  /** body `code`, when the body was an envelope */
  apiCode: number | undefined;
  /** `msg ?? message`, already free of secrets */
  msg: string | undefined;
  /** e.g. `POST /api/v1/jobs/createTask`; never includes the query string */
  route: string;
  /** the server's origin, named in the message (a proxy's 502 is told from kie's own this way) */
  origin?: string;
  /** the Retry-After header, raw */
  retryAfter?: string | undefined;
  /** a createTask reply: the error says the task was not created (`maybeCreated: false`) */
  create?: boolean;
  /** for tests: the clock Retry-After dates are compared with */
  now?: number;
}

interface Classification {
  code: ErrorCode;
  retryable: boolean;
  what: string;
}

/** The ApiError for a reply that failed (`!res.ok || body.code !== 200`). */
export function classifyReply(reply: FailedReply): ApiError {
  const { status, apiCode, msg, route } = reply;
  // a body code other than 200 is the more specific verdict; an HTTP error with a "200" body is not
  const effective = apiCode !== undefined && apiCode !== 200 ? apiCode : status;
  const fromBody = apiCode !== undefined && apiCode !== 200;
  const c = classifyCode(effective, msg, fromBody);
  const retryAfterMs =
    c.code === 'E_API_RATE_LIMIT' || c.code === 'E_API_UNAVAILABLE'
      ? parseRetryAfter(reply.retryAfter, reply.now ?? Date.now())
      : undefined;
  const codeText = apiCode !== undefined && apiCode !== status ? `HTTP ${status}, code ${apiCode}` : `HTTP ${status}`;
  const where = reply.origin === undefined ? route : `${route} at ${reply.origin}`;
  const message = `${where}: ${c.what}${msg ? `: ${truncate(msg)}` : ''} (${codeText})`;
  return new ApiError(c.code, message, {
    status,
    apiCode,
    retryable: c.retryable,
    retryAfterMs,
    maybeCreated: reply.create ? false : undefined,
    details: {
      status,
      apiCode,
      route,
      ...(reply.origin === undefined ? {} : { url: reply.origin }),
      ...(msg ? { apiMessage: truncate(msg) } : {}),
    },
  });
}

function classifyCode(code: number, msg: string | undefined, fromBody: boolean): Classification {
  switch (code) {
    case 400:
    case 422:
      return { code: 'E_API_INPUT', retryable: false, what: 'request rejected' };
    case 401:
    case 403: // an IP whitelist or a key usage cap also refuses access (docs/kie-api.md §4)
      return { code: 'E_API_AUTH', retryable: false, what: 'API key refused (check KIE_API_KEY)' };
    case 402:
      return { code: 'E_API_CREDITS', retryable: false, what: 'insufficient credits' };
    case 404:
      return { code: 'E_API_NOT_FOUND', retryable: false, what: 'not found' };
    case 408:
      // as a body code kie means "upstream produced no result"; as a bare status it is a proxy timeout
      return fromBody
        ? { code: 'E_TASK_FAILED', retryable: false, what: 'generation timed out upstream' }
        : { code: 'E_API_UNAVAILABLE', retryable: true, what: 'request timed out' };
    case 429:
    case 433:
      return { code: 'E_API_RATE_LIMIT', retryable: true, what: 'rate limited' };
    case 455:
      return { code: 'E_API_UNAVAILABLE', retryable: true, what: 'service unavailable (maintenance)' };
    case 500:
      return isValidationMessage(msg)
        ? { code: 'E_API_INPUT', retryable: false, what: 'request rejected' }
        : { code: 'E_API_UNAVAILABLE', retryable: true, what: 'server error' };
    case 501:
      return { code: 'E_TASK_FAILED', retryable: false, what: 'generation failed' };
    case 505:
      return { code: 'E_API', retryable: false, what: 'feature disabled' };
    default:
      if (code >= 500 && code <= 599) return { code: 'E_API_UNAVAILABLE', retryable: true, what: 'server error' };
      return { code: 'E_API', retryable: false, what: 'unexpected reply' };
  }
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // an HTTP date always names a weekday or month; Date.parse alone would read "-3" as a year
  const at = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
