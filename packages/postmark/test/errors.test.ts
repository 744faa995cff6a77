import { ConfigurationError, FAILURE_CODES, type ProviderFailure } from '@mailover/core';
import fc from 'fast-check';
import { Errors } from 'postmark';
import { describe, expect, it } from 'vitest';
import { classifyPostmarkError, PostmarkMalformedResponseError } from '../src/errors.js';

const inactiveText =
  'You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: rcpt@example.org. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.';

/** Errors shaped as the postmark 5.1.0 SDK throws them (docs/providers/postmark.md), built with its own classes. */
const rows: Array<[string, unknown, Partial<ProviderFailure>]> = [
  [
    '401 ErrorCode 10',
    new Errors.InvalidAPIKeyError('The Server Token you provided was invalid.', 10, 401),
    { code: 'auth_failed', outcome: 'not_sent', status: 401, providerCode: '10' },
  ],
  [
    '422 ErrorCode 300',
    new Errors.InvalidEmailRequestError("Invalid 'To' address: 'x'.", 300, 422),
    { code: 'invalid_message', status: 422, providerCode: '300' },
  ],
  [
    '422 ErrorCode 406',
    new Errors.InactiveRecipientsError(inactiveText, 406, 422),
    { code: 'recipient_suppressed', providerCode: '406', recipients: ['rcpt@example.org'] },
  ],
  ['422 ErrorCode 412', new Errors.ApiInputError('Account pending', 412, 422), { code: 'account_suspended' }],
  [
    '422 ErrorCode 405',
    new Errors.ApiInputError('Not allowed to send', 405, 422),
    { code: 'quota_exceeded' },
  ],
  [
    '422 ErrorCode 413',
    new Errors.ApiInputError('Account may not send', 413, 422),
    { code: 'account_suspended' },
  ],
  [
    '422 ErrorCode 400',
    new Errors.ApiInputError('Sender signature', 400, 422),
    { code: 'sender_not_verified' },
  ],
  ['422 ErrorCode 401', new Errors.ApiInputError('Not confirmed', 401, 422), { code: 'sender_not_verified' }],
  [
    '422 ErrorCode 411',
    new Errors.ApiInputError('Forbidden attachment', 411, 422),
    { code: 'message_rejected' },
  ],
  ['422 ErrorCode 402', new Errors.ApiInputError('Invalid JSON', 402, 422), { code: 'message_rejected' }],
  ['422 unknown ErrorCode', new Errors.ApiInputError('Something new', 999, 422), { code: 'invalid_message' }],
  [
    '503 ErrorCode 100',
    new Errors.ServiceUnavailablerError('Maintenance', 100, 503),
    { code: 'provider_unavailable', outcome: 'not_sent' },
  ],
  [
    '400 without ErrorCode',
    new Errors.UnknownError('Bad request', 0, 400),
    { code: 'unknown', outcome: 'not_sent', status: 400, providerCode: 'UnknownError' },
  ],
  [
    '403 HTML (WAF / IP allowlist)',
    new Errors.UnknownError('Request returned status code 403', 0, 403),
    { code: 'auth_failed' },
  ],
  [
    '429',
    new Errors.RateLimitExceededError('Request returned status code 429', 0, 429),
    { code: 'rate_limited', outcome: 'not_sent' },
  ],
  [
    '500',
    new Errors.InternalServerError('Request returned status code 500', 0, 500),
    { code: 'provider_unavailable', outcome: 'unknown', status: 500 },
  ],
  [
    '503 html',
    new Errors.ServiceUnavailablerError('Request returned status code 503', 0, 503),
    { code: 'provider_unavailable', outcome: 'unknown', status: 503 },
  ],
  [
    '502 from a proxy',
    new Errors.UnknownError('Bad gateway', 0, 502),
    { code: 'provider_unavailable', outcome: 'unknown' },
  ],
  ['413', new Errors.UnknownError('Request returned status code 413', 0, 413), { code: 'message_rejected' }],
  [
    'connection refused, cause unknown',
    new Errors.PostmarkError('fetch failed'),
    { code: 'network', outcome: 'unknown' },
  ],
  [
    'connection refused, cause seen',
    Object.assign(new Errors.PostmarkError('fetch failed'), {
      mailoverTransport: { networkCode: 'ECONNREFUSED' },
    }),
    { code: 'network', outcome: 'not_sent' },
  ],
  [
    'timeout',
    new Errors.PostmarkError('The operation was aborted due to timeout'),
    { code: 'timeout', outcome: 'unknown' },
  ],
  [
    'aborted',
    new Errors.PostmarkError('This operation was aborted'),
    { code: 'timeout', outcome: 'unknown' },
  ],
  ['empty token', new Errors.PostmarkError('A valid API token must be provided.'), { code: 'auth_failed' }],
  ['AbortError', new DOMException('aborted', 'AbortError'), { code: 'timeout', outcome: 'unknown' }],
  ['TimeoutError', new DOMException('timed out', 'TimeoutError'), { code: 'timeout', outcome: 'unknown' }],
  [
    'ConfigurationError',
    new ConfigurationError('postmark: no serverToken'),
    { code: 'auth_failed', outcome: 'not_sent' },
  ],
  [
    'malformed 200',
    new PostmarkMalformedResponseError('no MessageID'),
    { code: 'unknown', outcome: 'unknown' },
  ],
  [
    'Node network error',
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    { code: 'network', outcome: 'unknown' },
  ],
  ['a string', 'boom', { code: 'unknown' }],
  ['null', null, { code: 'unknown' }],
];

describe('classifyPostmarkError', () => {
  it.each(rows)('%s', (_, error, expected) => {
    expect(classifyPostmarkError(error)).toMatchObject(expected);
  });

  it('reads Retry-After that the adapter saw under the SDK', () => {
    const error = Object.assign(new Errors.RateLimitExceededError('slow down', 429, 429), {
      mailoverTransport: { retryAfter: '12' },
    });
    expect(classifyPostmarkError(error).retryAfterMs).toBe(12_000);
  });

  it('scrubs the given secrets out of the message', () => {
    const error = new Errors.UnknownError('token abcd-secret-1234 was refused', 0, 400);
    const result = classifyPostmarkError(error, { secrets: ['abcd-secret-1234'] });
    expect(result.message).not.toContain('abcd-secret-1234');
    expect(result.message).toContain('[redacted]');
  });

  it('is total: any value gives a valid failure and never throws', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter');
        },
      },
    );
    expect(classifyPostmarkError(hostile).code).toBe('unknown');
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = classifyPostmarkError(value);
        expect(FAILURE_CODES).toContain(result.code);
        expect(['not_sent', 'unknown']).toContain(result.outcome);
      }),
    );
  });
});
