/**
 * What an SES v2 failure means for mailover: the error table (data) and `classifySesError` (pure,
 * total). Table first (exception name, refined by its text), HTTP status second, text last.
 */
import {
  ConfigurationError,
  type FailureCode,
  NETWORK_ERROR_CODES,
  type ProviderFailure,
  parseRetryAfter,
  providerFailure,
  type SendOutcome,
  scrubSecrets,
  TIMEOUT_ERROR_CODES,
  NEVER_CONNECTED_CODES,
} from '@mailover/core';

/** One row of the table: an exception name (optionally only when its message matches) → a code. */
export interface SesErrorRule {
  readonly name: string;
  readonly code: FailureCode;
  /** Only when the error's message matches (SES reuses names, e.g. throttling for the daily quota). */
  readonly when?: RegExp;
  /** Default `not_sent`; `unknown` where SES may already have accepted the message. */
  readonly outcome?: SendOutcome;
}

const DAILY_QUOTA = /daily (message|sending) quota/i;

/** SendEmail's modelled exceptions and AWS's common errors (providers.md §2.1), first match wins. */
export const SES_ERROR_TABLE: readonly SesErrorRule[] = [
  { name: 'TooManyRequestsException', when: DAILY_QUOTA, code: 'quota_exceeded' },
  { name: 'TooManyRequestsException', code: 'rate_limited' },
  { name: 'ThrottlingException', when: DAILY_QUOTA, code: 'quota_exceeded' },
  { name: 'ThrottlingException', code: 'rate_limited' },
  { name: 'Throttling', when: DAILY_QUOTA, code: 'quota_exceeded' },
  { name: 'Throttling', code: 'rate_limited' },
  { name: 'LimitExceededException', code: 'quota_exceeded' },
  { name: 'SendingPausedException', code: 'account_suspended' },
  { name: 'AccountSuspendedException', code: 'account_suspended' },
  { name: 'MessageRejected', when: /not verified|verify/i, code: 'sender_not_verified' },
  { name: 'MessageRejected', code: 'message_rejected' },
  { name: 'MailFromDomainNotVerifiedException', code: 'sender_not_verified' },
  { name: 'BadRequestException', code: 'invalid_message' },
  // A missing configuration set (or template): this provider is misconfigured, another may work.
  { name: 'NotFoundException', code: 'auth_failed' },
  { name: 'UnrecognizedClientException', code: 'auth_failed' },
  { name: 'InvalidClientTokenId', code: 'auth_failed' },
  { name: 'SignatureDoesNotMatch', code: 'auth_failed' },
  { name: 'IncompleteSignature', code: 'auth_failed' },
  { name: 'IncompleteSignatureException', code: 'auth_failed' },
  { name: 'InvalidSignatureException', code: 'auth_failed' },
  { name: 'MissingAuthenticationToken', code: 'auth_failed' },
  { name: 'MissingAuthenticationTokenException', code: 'auth_failed' },
  { name: 'AccessDenied', code: 'auth_failed' },
  { name: 'AccessDeniedException', code: 'auth_failed' },
  { name: 'ExpiredToken', code: 'auth_failed' },
  { name: 'ExpiredTokenException', code: 'auth_failed' },
  { name: 'RequestExpired', code: 'auth_failed' },
  { name: 'CredentialsProviderError', code: 'auth_failed' },
  { name: 'ConfigurationError', code: 'auth_failed' },
  { name: 'InternalServiceErrorException', code: 'provider_unavailable', outcome: 'unknown' },
  { name: 'InternalFailure', code: 'provider_unavailable', outcome: 'unknown' },
  { name: 'ServiceUnavailable', code: 'provider_unavailable', outcome: 'unknown' },
  { name: 'ServiceUnavailableException', code: 'provider_unavailable', outcome: 'unknown' },
  // The socket never connected: nothing left this process.
  { name: 'TimeoutError', when: /establish a connection/i, code: 'timeout' },
  { name: 'TimeoutError', code: 'timeout', outcome: 'unknown' },
  { name: 'AbortError', code: 'timeout', outcome: 'unknown' },
  { name: 'RequestTimeout', code: 'timeout', outcome: 'unknown' },
  { name: 'RequestTimeoutException', code: 'timeout', outcome: 'unknown' },
];

const MAX_MESSAGE_LENGTH = 500;

interface ErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $response?: { readonly statusCode?: unknown; readonly headers?: Record<string, unknown> };
  readonly cause?: unknown;
}

/**
 * Describe an error thrown by `@aws-sdk/client-sesv2` (or by the adapter) as a ProviderFailure.
 * Never throws; `secrets` are scrubbed from the message.
 */
export function classifySesError(
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
): ProviderFailure {
  try {
    return classify(error, secrets);
  } catch {
    return providerFailure('unknown', 'The SES error could not be read.', { outcome: 'unknown' });
  }
}

function classify(error: unknown, secrets: readonly (string | undefined)[]): ProviderFailure {
  if (typeof error !== 'object' || error === null) {
    return providerFailure('unknown', clean(`SES failed: ${String(error)}`, secrets), { outcome: 'unknown' });
  }
  const shape = error as ErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : undefined;
  const text = typeof shape.message === 'string' ? shape.message : '';
  const nodeCode = typeof shape.code === 'string' ? shape.code : undefined;
  const status = httpStatus(shape);
  const retryAfterMs = retryAfter(shape.$response?.headers);
  const message = clean(
    name && name !== 'Error' ? `${name}: ${text}` : text || 'SES request failed.',
    secrets,
  );
  const extra = { status, retryAfterMs };

  if (ConfigurationError.isInstance(error))
    return providerFailure('auth_failed', message, { providerCode: name });

  // Network codes first: the SDK renames ECONNRESET/EPIPE to TimeoutError, but a reset is not a timeout.
  if (nodeCode && NETWORK_ERROR_CODES.has(nodeCode)) {
    const outcome = NEVER_CONNECTED_CODES.has(nodeCode) ? 'not_sent' : 'unknown';
    return providerFailure('network', message, { ...extra, providerCode: nodeCode, outcome });
  }
  if (nodeCode && TIMEOUT_ERROR_CODES.has(nodeCode)) {
    return providerFailure('timeout', message, { ...extra, providerCode: nodeCode, outcome: 'unknown' });
  }

  const rule = name
    ? SES_ERROR_TABLE.find((row) => row.name === name && (!row.when || row.when.test(text)))
    : undefined;
  if (rule) {
    const outcome = rule.outcome ?? (status !== undefined && status >= 500 ? 'unknown' : 'not_sent');
    return providerFailure(rule.code, message, { ...extra, providerCode: name, outcome });
  }

  if (status !== undefined) return byStatus(status, message, { ...extra, providerCode: name });
  return byText(text, message, name ?? nodeCode, error);
}

function byStatus(
  status: number,
  message: string,
  extra: { status?: number; retryAfterMs?: number; providerCode?: string },
): ProviderFailure {
  if (status === 429) return providerFailure('rate_limited', message, extra);
  if (status === 401 || status === 403 || status === 404)
    return providerFailure('auth_failed', message, extra);
  if (status === 413) return providerFailure('message_rejected', message, extra);
  if (status >= 500)
    return providerFailure('provider_unavailable', message, { ...extra, outcome: 'unknown' });
  // Some other SES refusal: another provider may well take the message.
  if (status >= 400) return providerFailure('message_rejected', message, extra);
  // A 2xx the SDK could not read (an HTML page, a truncated body): the message may have been accepted.
  return providerFailure('unknown', message, { ...extra, outcome: 'unknown' });
}

function byText(
  text: string,
  message: string,
  providerCode: string | undefined,
  error: object,
): ProviderFailure {
  const extra = { providerCode };
  if (/region is missing|credential/i.test(text)) return providerFailure('auth_failed', message, extra);
  if (/daily (message|sending) quota/i.test(text)) return providerFailure('quota_exceeded', message, extra);
  if (/throttl|rate exceeded/i.test(text)) return providerFailure('rate_limited', message, extra);
  if (/timed? ?out/i.test(text)) return providerFailure('timeout', message, { ...extra, outcome: 'unknown' });
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(text)) return providerFailure('network', message, extra);
  if (/ECONNRESET|socket hang up|EPIPE/i.test(text)) {
    return providerFailure('network', message, { ...extra, outcome: 'unknown' });
  }
  const cause = (error as ErrorShape).cause;
  if (typeof cause === 'object' && cause !== null && cause !== error) {
    const fromCause = classify(cause, []);
    if (fromCause.code !== 'unknown') return { ...fromCause, message };
  }
  return providerFailure('unknown', message, { ...extra, outcome: 'unknown' });
}

function httpStatus(shape: ErrorShape): number | undefined {
  const status = shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode;
  return typeof status === 'number' && Number.isFinite(status) && status > 0 ? status : undefined;
}

/** Retry-After (seconds or a date) or AWS's `x-amz-retry-after` (milliseconds). */
function retryAfter(headers: Record<string, unknown> | undefined): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const lookup = (wanted: string) => {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
    const value = key === undefined ? undefined : headers[key];
    return typeof value === 'string' ? value : undefined;
  };
  const fromRetryAfter = parseRetryAfter(lookup('retry-after'));
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const milliseconds = Number(lookup('x-amz-retry-after'));
  return Number.isFinite(milliseconds) && milliseconds > 0 ? milliseconds : undefined;
}

function clean(text: string, secrets: readonly (string | undefined)[]): string {
  const scrubbed = scrubSecrets(text, secrets);
  return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH)}…` : scrubbed;
}
