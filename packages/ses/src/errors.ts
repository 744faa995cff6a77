/**
 * What an SES v2 failure means for mailover: the error table (docs/adapters.md, "errors.ts"; the
 * rows: docs/providers/ses.md). The exception name decides, refined by its text; the HTTP status
 * second. Network codes come before the table: the SDK renames ECONNRESET/EPIPE to TimeoutError,
 * but a reset is not a timeout.
 */
import type {
  Classifier,
  FailureCode,
  FailureRow,
  ProviderAnswer,
  SendOutcome,
} from '@mailover/core/provider';
import { createClassifier, networkRow, parseRetryAfter, statusRow, textOf } from '@mailover/core/provider';

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

/** SendEmail's modelled exceptions and AWS's common errors, first match wins. */
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

interface ErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $response?: { readonly statusCode?: unknown; readonly headers?: Record<string, unknown> };
}

/** Text rules for errors without a name the table knows and without an answer (the SDK's own). */
const TEXT_ROWS: readonly [RegExp, FailureRow][] = [
  [/region is missing|credential/i, { code: 'auth_failed' }],
  [DAILY_QUOTA, { code: 'quota_exceeded' }],
];

function answer(error: Record<PropertyKey, unknown>): ProviderAnswer | undefined {
  const shape = error as ErrorShape;
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  if (code && networkRow(code)) return undefined;
  const name = typeof shape.name === 'string' && shape.name !== 'Error' ? shape.name : undefined;
  const text = textOf(shape.message);
  const status = httpStatus(shape);
  const described = name ? `${name}: ${text}` : text || 'request failed';
  const extra = { text: described, status, retryAfterMs: retryAfter(shape.$response?.headers) };
  const rule = name
    ? SES_ERROR_TABLE.find((row) => row.name === name && (!row.when || row.when.test(text)))
    : undefined;
  if (rule) {
    const outcome = rule.outcome ?? (status !== undefined && status >= 500 ? 'unknown' : 'not_sent');
    return { row: { code: rule.code, outcome, providerCode: name }, ...extra };
  }
  // Some other SES refusal: another provider may well take the message.
  if (status !== undefined)
    return { row: { ...statusRow(status, 'message_rejected'), providerCode: name }, ...extra };
  const byText = TEXT_ROWS.find(([pattern]) => pattern.test(text));
  return byText ? { row: { ...byText[1], providerCode: name }, ...extra } : undefined;
}

/**
 * Describe an error thrown by `@aws-sdk/client-sesv2` (or by the adapter) as a ProviderFailure.
 * Never throws; `context.secrets` are scrubbed from the message.
 */
export const classifySesError: Classifier = createClassifier({ provider: 'SES', answer });

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
