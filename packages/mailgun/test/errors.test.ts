import { ConfigurationError, FAILURE_CODES } from '@mailover/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMailgunError, MailgunUnexpectedResponseError } from '../src/errors.js';

/** An error shaped like mailgun.js's unexported APIError (docs/providers/mailgun.md). */
function apiError(status: number, message: string, details = '') {
  return Object.assign(new Error(message), { status, details, type: 'MailgunAPIError', stack: '' });
}

const NOW = Date.parse('2021-12-20T20:33:00Z');

describe('classifyMailgunError: the rows of docs/providers/mailgun.md', () => {
  it.each([
    [
      '400 validation',
      apiError(400, 'Bad Request', "'from' parameter is missing"),
      'invalid_message',
      'not_sent',
    ],
    ['401 bad key', apiError(401, 'Unauthorized', 'Forbidden'), 'auth_failed', 'not_sent'],
    [
      '403 not allowed to send',
      apiError(403, 'Forbidden', 'Domain example.com is not allowed to send large batches yet'),
      'message_rejected',
      'not_sent',
    ],
    ['404 domain', apiError(404, 'Not Found', 'Domain not found: example.com'), 'auth_failed', 'not_sent'],
    ['413', apiError(413, 'Payload Too Large', 'Request Entity Too Large'), 'message_rejected', 'not_sent'],
    ['500 {"error"}', apiError(500, 'internal error', ''), 'provider_unavailable', 'unknown'],
    ['502', apiError(502, 'Bad Gateway', ''), 'provider_unavailable', 'unknown'],
    ['503 html', apiError(503, 'Service Unavailable', '<html>…</html>'), 'provider_unavailable', 'unknown'],
    ['504', apiError(504, 'Gateway Timeout', ''), 'provider_unavailable', 'unknown'],
    ['200 Magnificent', apiError(400, 'Incorrect url', 'Mailgun Magnificent API'), 'auth_failed', 'not_sent'],
    [
      'ECONNREFUSED (status 400)',
      apiError(400, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'),
      'network',
      'not_sent',
    ],
    ['ECONNRESET (status 400)', apiError(400, 'ECONNRESET', 'socket hang up'), 'network', 'unknown'],
    [
      'ECONNABORTED (status 400)',
      apiError(400, 'ECONNABORTED', 'timeout of 1000ms exceeded'),
      'timeout',
      'unknown',
    ],
    [
      'ETIMEDOUT (status 400)',
      apiError(400, 'ETIMEDOUT', 'timeout of 1000ms exceeded'),
      'timeout',
      'unknown',
    ],
    ['ERR_NETWORK (status 400)', apiError(400, 'ERR_NETWORK', 'Network Error'), 'network', 'unknown'],
    [
      'ENOTFOUND (status 400)',
      apiError(400, 'ENOTFOUND', 'getaddrinfo ENOTFOUND api.mailgun.net'),
      'network',
      'not_sent',
    ],
    [
      '400 sandbox domain',
      apiError(
        400,
        'Bad Request',
        'Domain sandbox1.mailgun.org is not allowed to send: Sandbox subdomains are for test purposes only',
      ),
      'sender_not_verified',
      'not_sent',
    ],
    [
      '400 unverified domain',
      apiError(400, 'Bad Request', 'Domain example.com is not allowed to send: The domain is unverified'),
      'sender_not_verified',
      'not_sent',
    ],
    [
      '400 account not activated',
      apiError(
        400,
        'Bad Request',
        'Domain example.com is not allowed to send: Please activate your Mailgun account',
      ),
      'account_suspended',
      'not_sent',
    ],
    [
      '403 account terminated',
      apiError(403, 'Forbidden', 'Domain example.com is not allowed to send: Account Terminated'),
      'account_suspended',
      'not_sent',
    ],
    [
      '403 bad sending ip',
      apiError(403, 'Forbidden', "Rejected: IP 192.0.2.1 can't be used to send the message"),
      'auth_failed',
      'not_sent',
    ],
    [
      '400 too many recipients',
      apiError(400, 'Bad Request', 'Too many recipients; max is 1000'),
      'message_rejected',
      'not_sent',
    ],
    [
      '400 options over 16 kB',
      apiError(
        400,
        'Bad Request',
        'Send options (parameters starting with o:, h:, or v:) are limited to 16 kB total',
      ),
      'message_rejected',
      'not_sent',
    ],
    ['402 request failed', apiError(402, 'Payment Required', 'Request Failed'), 'quota_exceeded', 'not_sent'],
    [
      '402 monthly limit',
      apiError(402, 'Payment Required', 'Domain x is not allowed to send: monthly message limit exceeded'),
      'quota_exceeded',
      'not_sent',
    ],
    [
      'SDK user-data error',
      apiError(400, 'Message data object can not be empty'),
      'invalid_message',
      'not_sent',
    ],
  ] as const)('%s → %s (%s)', (_name, error, code, outcome) => {
    expect(classifyMailgunError(error, { now: NOW })).toMatchObject({ code, outcome });
  });

  it('keeps the status only when it is a real HTTP status, not the SDK’s 400 for network errors', () => {
    expect(classifyMailgunError(apiError(429, 'Too Many Requests', 'x limit exceeded'))).toMatchObject({
      status: 429,
      providerCode: 'limit_exceeded',
    });
    expect(
      classifyMailgunError(apiError(400, 'ECONNREFUSED', 'connect ECONNREFUSED')).status,
    ).toBeUndefined();
  });

  it.each([429, 420])(
    '%i "try again after <date>" is rate_limited with the wait until that date',
    (status) => {
      const error = apiError(
        status,
        'Too Many Requests',
        'Domain mg.example.com is not allowed to send: recipient limit exceeded, try again after Mon, 20 Dec 2021 20:33:21 UTC',
      );
      expect(classifyMailgunError(error, { now: NOW })).toMatchObject({
        code: 'rate_limited',
        outcome: 'not_sent',
        status,
        retryAfterMs: 21_000,
      });
    },
  );

  it('a 429 without a date is rate_limited without retryAfterMs', () => {
    const failure = classifyMailgunError(apiError(429, 'Too Many Requests', 'Too many requests'));
    expect(failure.code).toBe('rate_limited');
    expect(failure.retryAfterMs).toBeUndefined();
  });

  it('a missing credential (ConfigurationError) is auth_failed', () => {
    const failure = classifyMailgunError(new ConfigurationError('mailgun: no apiKey.'));
    expect(failure).toMatchObject({
      code: 'auth_failed',
      outcome: 'not_sent',
      message: 'mailgun: no apiKey.',
    });
  });

  it('an abort is a timeout whose outcome is unknown', () => {
    expect(classifyMailgunError(new DOMException('aborted', 'AbortError'))).toMatchObject({
      code: 'timeout',
      outcome: 'unknown',
    });
    expect(classifyMailgunError(new DOMException('timed out', 'TimeoutError')).code).toBe('timeout');
  });

  it('a 200 without an id may have been queued: unknown, outcome unknown', () => {
    expect(classifyMailgunError(new MailgunUnexpectedResponseError(200, '<html>'))).toMatchObject({
      code: 'unknown',
      outcome: 'unknown',
      status: 200,
    });
  });

  it('plain Node network errors from an injected client are network errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyMailgunError(refused)).toMatchObject({ code: 'network', outcome: 'not_sent' });
    expect(classifyMailgunError(new Error('request timed out'))).toMatchObject({
      code: 'timeout',
      outcome: 'unknown',
    });
  });

  it('unknown input gives code unknown', () => {
    for (const input of [undefined, null, 42, 'boom', {}, [], new Error('strange'), Symbol('x')]) {
      expect(classifyMailgunError(input).code).toBe('unknown');
    }
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no reading me');
        },
      },
    );
    expect(classifyMailgunError(hostile).code).toBe('unknown');
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const failure = classifyMailgunError(input);
        expect(FAILURE_CODES).toContain(failure.code);
        expect(typeof failure.message).toBe('string');
      }),
    );
  });

  it('cuts long bodies (HTML error pages) down to a readable message', () => {
    const failure = classifyMailgunError(apiError(503, 'Service Unavailable', '<p>x</p>'.repeat(500)));
    expect(failure.message.length).toBeLessThanOrEqual(300);
  });
});
