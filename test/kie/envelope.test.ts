import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { classifyReply, isValidationMessage, parseEnvelope, parseRetryAfter } from '../../src/kie/envelope.js';

describe('parseEnvelope', () => {
  it('reads msg, or message when msg is absent', () => {
    expect(parseEnvelope('{"code":200,"msg":"success","data":1}')).toEqual({ code: 200, msg: 'success', data: 1 });
    expect(parseEnvelope('{"code":401,"message":"nope"}')).toEqual({ code: 401, msg: 'nope', data: undefined });
    expect(parseEnvelope('{"code":401,"msg":"a","message":"b"}')?.msg).toBe('a');
  });

  it('accepts a numeric string code', () => {
    expect(parseEnvelope('{"code":"200","data":null}')?.code).toBe(200);
  });

  it('rejects what is not an envelope', () => {
    for (const text of ['', 'nope', '<html></html>', '[]', 'null', '{"msg":"x"}', '{"code":"abc"}', '{"code":1.5}']) {
      expect(parseEnvelope(text)).toBeUndefined();
    }
  });
});

describe('classifyReply', () => {
  const cases: [number, string, boolean][] = [
    [400, 'E_API_INPUT', false],
    [401, 'E_API_AUTH', false],
    [402, 'E_API_CREDITS', false],
    [403, 'E_API_AUTH', false],
    [404, 'E_API_NOT_FOUND', false],
    [422, 'E_API_INPUT', false],
    [429, 'E_API_RATE_LIMIT', true],
    [433, 'E_API_RATE_LIMIT', true],
    [455, 'E_API_UNAVAILABLE', true],
    [500, 'E_API_UNAVAILABLE', true],
    [501, 'E_TASK_FAILED', false],
    [502, 'E_API_UNAVAILABLE', true],
    [503, 'E_API_UNAVAILABLE', true],
    [505, 'E_API', false],
    [418, 'E_API', false],
  ];

  it.each(cases)('code %i as HTTP status → %s (retryable %s)', (code, expected, retryable) => {
    const error = classifyReply({ status: code, apiCode: undefined, msg: undefined, route: 'GET /x' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.details).toMatchObject({ status: code, route: 'GET /x' });
  });

  it.each(cases)('code %i as body code in HTTP 200 → %s (retryable %s)', (code, expected, retryable) => {
    const error = classifyReply({ status: 200, apiCode: code, msg: 'boom', route: 'GET /x' });
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.details).toMatchObject({ status: 200, apiCode: code, route: 'GET /x' });
    expect(error.message).toContain('boom');
  });

  it('prefers the body code over the HTTP status', () => {
    expect(classifyReply({ status: 500, apiCode: 402, msg: undefined, route: 'r' }).code).toBe('E_API_CREDITS');
    // a "200" body inside an HTTP error is still an error, classified by status
    expect(classifyReply({ status: 503, apiCode: 200, msg: undefined, route: 'r' }).code).toBe('E_API_UNAVAILABLE');
  });

  it('treats a 500 with a validation message as bad input', () => {
    for (const msg of [
      'This voice is not within the range of allowed options',
      'text exceeds maximum length',
      'invalid parameter: stability',
      'text is required',
    ]) {
      const error = classifyReply({ status: 200, apiCode: 500, msg, route: 'r' });
      expect(error.code, msg).toBe('E_API_INPUT');
      expect(error.retryable).toBe(false);
    }
    const transient = classifyReply({ status: 500, apiCode: 500, msg: 'internal error, please try again later', route: 'r' });
    expect(transient.code).toBe('E_API_UNAVAILABLE');
    expect(transient.retryable).toBe(true);
  });

  it('reads 408 as a failed generation in a body, a proxy timeout as a status', () => {
    expect(classifyReply({ status: 200, apiCode: 408, msg: undefined, route: 'r' }).code).toBe('E_TASK_FAILED');
    expect(classifyReply({ status: 408, apiCode: undefined, msg: undefined, route: 'r' }).retryable).toBe(true);
  });

  it('parses Retry-After on rate limits', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(classifyReply({ status: 429, apiCode: undefined, msg: undefined, route: 'r', retryAfter: '7' }).retryAfterMs).toBe(7000);
    const dated = classifyReply({
      status: 200,
      apiCode: 429,
      msg: undefined,
      route: 'r',
      retryAfter: 'Thu, 01 Jan 2026 00:00:12 GMT',
      now,
    });
    expect(dated.retryAfterMs).toBe(12_000);
    expect(classifyReply({ status: 401, apiCode: undefined, msg: undefined, route: 'r', retryAfter: '7' }).retryAfterMs).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 2.5 ', now)).toBe(2500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0); // in the past
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('isValidationMessage', () => {
  it('does not mistake an outage for bad input', () => {
    expect(isValidationMessage('Internal Error')).toBe(false);
    expect(isValidationMessage('internal error, please try again later')).toBe(false);
    expect(isValidationMessage(undefined)).toBe(false);
  });
});
