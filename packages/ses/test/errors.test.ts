import { ConfigurationError, type ProviderFailure } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { classifySesError } from '../src/index.js';

/** An error shaped like what `@aws-sdk/client-sesv2` throws (docs/providers/ses.md). */
function sdkError(
  name: string,
  message: string,
  status?: number,
  extra: { headers?: Record<string, string>; code?: string; fault?: 'client' | 'server' } = {},
) {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, {
    ...(extra.code ? { code: extra.code } : {}),
    $fault: extra.fault ?? (status !== undefined && status >= 500 ? 'server' : 'client'),
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    ...(status !== undefined ? { $response: { statusCode: status, headers: extra.headers ?? {} } } : {}),
  });
}

const rows: Array<[string, unknown, Partial<ProviderFailure>]> = [
  [
    '429 TooManyRequestsException',
    sdkError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429),
    { code: 'rate_limited', outcome: 'not_sent', status: 429, providerCode: 'TooManyRequestsException' },
  ],
  [
    '429 with Retry-After seconds',
    sdkError('TooManyRequestsException', 'Too many requests', 429, { headers: { 'retry-after': '5' } }),
    { code: 'rate_limited', retryAfterMs: 5000 },
  ],
  [
    '429 with x-amz-retry-after milliseconds',
    sdkError('TooManyRequestsException', 'Too many requests', 429, {
      headers: { 'x-amz-retry-after': '1500' },
    }),
    { code: 'rate_limited', retryAfterMs: 1500 },
  ],
  [
    '429 TooManyRequestsException for the daily quota',
    sdkError('TooManyRequestsException', 'Daily message quota exceeded.', 429),
    { code: 'quota_exceeded' },
  ],
  [
    '400 ThrottlingException (unmodelled)',
    sdkError('ThrottlingException', 'Rate exceeded', 400),
    { code: 'rate_limited', providerCode: 'ThrottlingException' },
  ],
  [
    '400 ThrottlingException for the daily quota',
    sdkError('ThrottlingException', 'Daily message quota exceeded.', 400),
    { code: 'quota_exceeded' },
  ],
  [
    '400 LimitExceededException',
    sdkError('LimitExceededException', 'Daily message quota exceeded.', 400),
    { code: 'quota_exceeded', outcome: 'not_sent' },
  ],
  [
    '400 MessageRejected (identity not verified)',
    sdkError(
      'MessageRejected',
      'Email address is not verified. The following identities failed the check in region US-EAST-1: a@x.test',
      400,
    ),
    { code: 'sender_not_verified' },
  ],
  [
    '400 MessageRejected (too large)',
    sdkError('MessageRejected', "Message length is more than 41943040 bytes long: '50000000'.", 400),
    { code: 'message_rejected' },
  ],
  ['400 SendingPausedException', sdkError('SendingPausedException', '', 400), { code: 'account_suspended' }],
  [
    '400 AccountSuspendedException',
    sdkError('AccountSuspendedException', '', 400),
    { code: 'account_suspended' },
  ],
  [
    '400 MailFromDomainNotVerifiedException',
    sdkError('MailFromDomainNotVerifiedException', '', 400),
    { code: 'sender_not_verified' },
  ],
  [
    '400 BadRequestException',
    Object.assign(sdkError('BadRequestException', 'Invalid email address.', 400), {
      __type: 'BadRequestException',
    }),
    { code: 'invalid_message', status: 400 },
  ],
  [
    '404 NotFoundException (configuration set)',
    sdkError('NotFoundException', 'Configuration set <cs-fixed-ip> does not exist.', 404),
    { code: 'auth_failed', status: 404 },
  ],
  [
    '403 UnrecognizedClientException',
    sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403),
    { code: 'auth_failed', status: 403 },
  ],
  ['403 SignatureDoesNotMatch', sdkError('SignatureDoesNotMatch', 'signature', 403), { code: 'auth_failed' }],
  ['403 AccessDeniedException', sdkError('AccessDeniedException', 'denied', 403), { code: 'auth_failed' }],
  [
    '400 RequestExpired (clock skew)',
    sdkError('RequestExpired', 'Request has expired.', 400),
    { code: 'auth_failed' },
  ],
  ['400 IncompleteSignature', sdkError('IncompleteSignature', 'incomplete', 400), { code: 'auth_failed' }],
  [
    '500 InternalServiceErrorException',
    sdkError('InternalServiceErrorException', 'Internal failure.', 500),
    { code: 'provider_unavailable', outcome: 'unknown', status: 500 },
  ],
  [
    '503 ServiceUnavailable',
    sdkError('ServiceUnavailable', 'Service Unavailable', 503),
    { code: 'provider_unavailable', outcome: 'unknown' },
  ],
  [
    '503 JSON without a type → Unknown',
    sdkError('Unknown', 'Service Unavailable', 503),
    { code: 'provider_unavailable', outcome: 'unknown', status: 503 },
  ],
  [
    '500 non-JSON body → SyntaxError',
    sdkError(
      'SyntaxError',
      'Unexpected token < in JSON. Deserialization error: to see the raw response…',
      500,
    ),
    { code: 'provider_unavailable', outcome: 'unknown', status: 500 },
  ],
  [
    '200 non-JSON body → SyntaxError',
    sdkError('SyntaxError', 'Unexpected token < in JSON', 200),
    { code: 'unknown', outcome: 'unknown', status: 200 },
  ],
  [
    'connection refused',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 1 },
    }),
    { code: 'network', outcome: 'not_sent', providerCode: 'ECONNREFUSED' },
  ],
  [
    'DNS failure',
    Object.assign(new Error('getaddrinfo ENOTFOUND email.x.amazonaws.com'), { code: 'ENOTFOUND' }),
    { code: 'network', outcome: 'not_sent' },
  ],
  [
    'reset (the SDK renames it TimeoutError)',
    sdkError('TimeoutError', 'read ECONNRESET', undefined, { code: 'ECONNRESET' }),
    { code: 'network', outcome: 'unknown' },
  ],
  [
    'request timeout (throwOnRequestTimeout)',
    sdkError('TimeoutError', 'a request has exceeded the configured 300 ms requestTimeout.', undefined, {
      code: 'ETIMEDOUT',
    }),
    { code: 'timeout', outcome: 'unknown' },
  ],
  [
    'connection timeout',
    sdkError(
      'TimeoutError',
      'the request socket did not establish a connection with the server within 300 ms.',
    ),
    { code: 'timeout', outcome: 'not_sent' },
  ],
  ['AbortError', sdkError('AbortError', 'Request aborted'), { code: 'timeout', outcome: 'unknown' }],
  [
    'an AbortSignal.timeout() reason',
    new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    { code: 'timeout', outcome: 'unknown' },
  ],
  [
    'no credentials anywhere',
    sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
    { code: 'auth_failed', outcome: 'not_sent' },
  ],
  ['region missing in the SDK', new Error('Region is missing'), { code: 'auth_failed' }],
  ['ConfigurationError', new ConfigurationError('ses: no region.'), { code: 'auth_failed' }],
  ['an unexpected 4xx', sdkError('SomethingNew', 'new', 409), { code: 'message_rejected', status: 409 }],
  [
    'an unexpected 5xx',
    sdkError('SomethingNew', 'new', 502),
    { code: 'provider_unavailable', outcome: 'unknown' },
  ],
  ['a plain Error', new Error('something odd'), { code: 'unknown', outcome: 'unknown' }],
];

describe('classifySesError: the error table', () => {
  for (const [label, error, expected] of rows) {
    it(`${label} → ${expected.code}`, () => {
      expect(classifySesError(error)).toMatchObject(expected);
    });
  }

  it('is total: odd inputs give unknown and never throw', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    for (const input of [undefined, null, 0, '', Symbol('x'), hostile, { name: {}, message: 7 }]) {
      expect(classifySesError(input).code).toBe('unknown');
    }
  });

  it('scrubs the given secrets from the message', () => {
    const failure = classifySesError(new Error('key wJalrXUtnFEMI/K7MDENG in text'), {
      secrets: ['wJalrXUtnFEMI/K7MDENG'],
    });
    expect(failure.message).not.toContain('wJalrXUtnFEMI/K7MDENG');
    expect(failure.message).toContain('[redacted]');
  });
});
