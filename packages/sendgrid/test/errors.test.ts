import { ConfigurationError, FAILURE_CODES, type ProviderFailure } from '@mailover/core';
import helpers from '@sendgrid/helpers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySendGridError, SendGridUnexpectedResponseError } from '../src/errors.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A real @sendgrid/helpers ResponseError, as the SDK rejects with for HTTP >= 400 (docs/providers/sendgrid.md). */
function responseError(
  status: number,
  statusText: string,
  data: unknown,
  headers: Record<string, string> = {},
) {
  return new helpers.classes.ResponseError({ status, statusText, data, headers } as never);
}

const sendgridBody = (message: string, field: string | null = null) => ({
  errors: [{ message, field, help: null }],
});

/** An axios error as the SDK passes it through for network failures (it embeds the request's headers). */
function axiosError(code: string, message: string, name = 'AxiosError') {
  return Object.assign(new Error(message), {
    name,
    code,
    isAxiosError: true,
    config: { headers: { Authorization: 'Bearer SG.leaky-key-123456.abcdefghijk' } },
  });
}

const classify = (error: unknown) => classifySendGridError(error, { now: NOW });

describe('classifySendGridError: SendGrid answers (docs/providers/sendgrid.md)', () => {
  const rows: [string, unknown, Partial<ProviderFailure>][] = [
    [
      '400 validation',
      responseError(400, 'Bad Request', sendgridBody('The subject is required.', 'subject')),
      { code: 'invalid_message', outcome: 'not_sent', status: 400, providerCode: 'bad_request' },
    ],
    [
      '400/403 unverified sender',
      responseError(
        403,
        'Forbidden',
        sendgridBody(
          'The from address does not match a verified Sender Identity. Mail cannot be sent…',
          'from',
        ),
      ),
      { code: 'sender_not_verified', status: 403 },
    ],
    [
      '401 bad key',
      responseError(
        401,
        'Unauthorized',
        sendgridBody('The provided authorization grant is invalid, expired, or revoked'),
      ),
      { code: 'auth_failed', outcome: 'not_sent', status: 401, providerCode: 'unauthorized' },
    ],
    [
      '401 credits',
      responseError(401, 'Unauthorized', sendgridBody('Maximum credits exceeded')),
      { code: 'quota_exceeded', status: 401, providerCode: 'credits_exceeded' },
    ],
    [
      '403 suspended',
      responseError(
        403,
        'Forbidden',
        sendgridBody('You are not authorized to access SendGrid, please contact Support.'),
      ),
      { code: 'account_suspended', status: 403 },
    ],
    [
      '403 temporary block',
      responseError(403, 'Forbidden', sendgridBody('Too many bad requests. Temporary block')),
      { code: 'rate_limited', status: 403 },
    ],
    [
      '403 plain',
      responseError(403, 'Forbidden', sendgridBody('access forbidden')),
      { code: 'auth_failed', status: 403 },
    ],
    [
      '404',
      responseError(404, 'Not Found', sendgridBody('resource not found')),
      { code: 'auth_failed', status: 404 },
    ],
    [
      '413',
      responseError(413, 'Payload Too Large', '<html>413</html>'),
      { code: 'message_rejected', status: 413 },
    ],
    ['451', responseError(451, 'Unavailable For Legal Reasons', {}), { code: 'auth_failed', status: 451 }],
    [
      '500',
      responseError(500, 'Internal Server Error', sendgridBody('internal error')),
      { code: 'provider_unavailable', outcome: 'unknown', status: 500 },
    ],
    [
      '503 html',
      responseError(503, 'Service Unavailable', '<html><body><h1>503 Service Unavailable</h1></body></html>'),
      { code: 'provider_unavailable', outcome: 'unknown', status: 503 },
    ],
    ['599', responseError(599, '', ''), { code: 'provider_unavailable', outcome: 'unknown', status: 599 }],
    ['418', responseError(418, "I'm a teapot", ''), { code: 'unknown', status: 418 }],
  ];

  it.each(rows)('%s', (_name, error, expected) => {
    expect(classify(error)).toMatchObject(expected);
  });

  it('keeps SendGrid’s own words and strips HTML from the message', () => {
    const failure = classify(
      responseError(503, 'Service Unavailable', '<html><body><h1>503 Service Unavailable</h1></body></html>'),
    );
    expect(failure.message).toBe('SendGrid: answered 503 Service Unavailable: 503 Service Unavailable');
    expect(
      classify(responseError(400, 'Bad Request', sendgridBody('The subject is required.'))).message,
    ).toBe('SendGrid: answered 400 Bad Request: The subject is required.');
  });
});

describe('classifySendGridError: 429 and how long to wait', () => {
  const tooMany = sendgridBody('too many requests');

  it('reads Retry-After seconds', () => {
    const failure = classify(responseError(429, 'Too Many Requests', tooMany, { 'retry-after': '7' }));
    expect(failure).toMatchObject({
      code: 'rate_limited',
      outcome: 'not_sent',
      status: 429,
      retryAfterMs: 7000,
    });
  });

  it('reads a Retry-After HTTP date', () => {
    const date = new Date(NOW + 90_000).toUTCString();
    expect(
      classify(responseError(429, 'Too Many Requests', tooMany, { 'retry-after': date })).retryAfterMs,
    ).toBe(90_000);
  });

  it('falls back to X-RateLimit-Reset (epoch seconds), as the SDK observed in §1.2', () => {
    const headers = {
      'x-ratelimit-limit': '600',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(NOW / 1000 + 42),
    };
    expect(classify(responseError(429, 'Too Many Requests', tooMany, headers)).retryAfterMs).toBe(42_000);
  });

  it('gives no wait when neither header is there', () => {
    expect(classify(responseError(429, 'Too Many Requests', tooMany)).retryAfterMs).toBeUndefined();
  });
});

describe('classifySendGridError: no answer at all', () => {
  const rows: [string, unknown, Partial<ProviderFailure>][] = [
    [
      'connection refused',
      axiosError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
      { code: 'network', outcome: 'not_sent', providerCode: 'ECONNREFUSED' },
    ],
    [
      'DNS failure',
      axiosError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.sendgrid.com'),
      { code: 'network', outcome: 'not_sent' },
    ],
    ['reset', axiosError('ECONNRESET', 'socket hang up'), { code: 'network', outcome: 'unknown' }],
    [
      'client timeout',
      axiosError('ECONNABORTED', 'timeout of 1000ms exceeded'),
      { code: 'timeout', outcome: 'unknown' },
    ],
    ['ETIMEDOUT', axiosError('ETIMEDOUT', 'timeout'), { code: 'timeout', outcome: 'unknown' }],
    [
      'axios cancel',
      axiosError('ERR_CANCELED', 'canceled', 'CanceledError'),
      { code: 'timeout', outcome: 'unknown' },
    ],
    [
      'AbortError',
      new DOMException('This operation was aborted', 'AbortError'),
      { code: 'timeout', outcome: 'unknown' },
    ],
    [
      'TimeoutError',
      new DOMException('The operation timed out', 'TimeoutError'),
      { code: 'timeout', outcome: 'unknown' },
    ],
    [
      'code lost, text kept',
      new Error('read ECONNRESET'),
      { code: 'network', outcome: 'unknown', providerCode: 'connection_lost' },
    ],
    [
      'malformed 200',
      new SendGridUnexpectedResponseError(200),
      { code: 'unknown', outcome: 'unknown', status: 200, providerCode: 'unexpected_response' },
    ],
    [
      'missing key',
      new ConfigurationError('sendgrid: no apiKey. Pass { apiKey } to sendgrid() or set SENDGRID_API_KEY.'),
      { code: 'auth_failed', outcome: 'not_sent', providerCode: 'configuration' },
    ],
  ];

  it.each(rows)('%s', (_name, error, expected) => {
    expect(classify(error)).toMatchObject(expected);
  });
});

describe('classifySendGridError: total', () => {
  it('gives unknown, never a throw, for values it cannot read', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    for (const value of [undefined, null, 42, 'boom', {}, [], hostile, Symbol('x')]) {
      const failure = classify(value);
      expect(failure.code).toBe('unknown');
      expect(typeof failure.message).toBe('string');
    }
  });

  it('returns a valid failure for any input (property test)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            code: fc.oneof(fc.integer(), fc.string()),
            message: fc.anything(),
            response: fc.anything(),
          }),
        ),
        (value) => {
          const failure = classify(value);
          expect(FAILURE_CODES).toContain(failure.code);
          expect(['not_sent', 'unknown']).toContain(failure.outcome);
          expect(typeof failure.message).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
