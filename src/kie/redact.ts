/**
 * Keeps the API key out of everything the client throws. Servers may echo a bad key back in
 * `msg`, and lower layers could one day put headers into their error messages, so every text we
 * did not write ourselves goes through here before it becomes part of an error.
 */

const REDACTED = '[redacted]';

export function redactSecret(text: string, secret: string): string {
  if (secret === '' || !text.includes(secret)) return text;
  return text.split(secret).join(REDACTED);
}

/**
 * `error` unchanged when no message, stack or cause in its chain mentions `secret`; otherwise a
 * copy of the chain with the secret removed (name and `code` kept so classification still works).
 */
export function redactCause(error: unknown, secret: string): unknown {
  return mentionsSecret(error, secret, 0) ? scrub(error, secret, 0) : error;
}

const MAX_DEPTH = 8;

function mentionsSecret(value: unknown, secret: string, depth: number): boolean {
  if (secret === '' || depth > MAX_DEPTH) return false;
  if (typeof value === 'string') return value.includes(secret);
  if (!(value instanceof Error)) return value !== undefined && value !== null && String(value).includes(secret);
  if (value.message.includes(secret) || (value.stack ?? '').includes(secret)) return true;
  if (value instanceof AggregateError && value.errors.some((e) => mentionsSecret(e, secret, depth + 1))) return true;
  return mentionsSecret(value.cause, secret, depth + 1);
}

function scrub(value: unknown, secret: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (!(value instanceof Error)) {
    return value === undefined || value === null ? value : redactSecret(String(value), secret);
  }
  const cause = value.cause === undefined ? undefined : scrub(value.cause, secret, depth + 1);
  const copy = new Error(redactSecret(value.message, secret), cause === undefined ? undefined : { cause });
  copy.name = value.name;
  copy.stack = `${copy.name}: ${copy.message}`;
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  return copy;
}
