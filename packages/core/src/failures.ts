/**
 * The synchronous failure taxonomy (docs/failure-taxonomy.md): what an adapter reports when its provider's API
 * refused or did not answer a send, and what the engine does about each code by default.
 */

/** Every code an adapter may report for a failed send. */
export const FAILURE_CODES = [
  'network',
  'timeout',
  'rate_limited',
  'provider_unavailable',
  'auth_failed',
  'quota_exceeded',
  'account_suspended',
  'sender_not_verified',
  'message_rejected',
  'invalid_message',
  'recipient_suppressed',
  'unknown',
] as const;

/** One of {@link FAILURE_CODES}. */
export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * Whether the provider may already have accepted the message. `unknown` means the request left
 * and no answer came back (a timeout, a reset after sending): a retry or failover may duplicate.
 */
export type SendOutcome = 'not_sent' | 'unknown';

/** What the engine does with a failure code, by default. */
export type FailureAction =
  /** Retry the same provider with backoff (honouring Retry-After), then fail over. */
  | 'retry'
  /** Retry the same provider once, then fail over. */
  | 'retry_once'
  /** Fail over at once; do not retry this provider, and open its circuit. */
  | 'failover_and_open'
  /** Fail over at once (a limit of this provider only). */
  | 'failover'
  /** Stop: the message would fail anywhere, or a suppression must be respected. */
  | 'stop';

/** The default action for each failure code (docs/failure-taxonomy.md). */
export const DEFAULT_FAILURE_ACTIONS: Readonly<Record<FailureCode, FailureAction>> = Object.freeze({
  network: 'retry',
  timeout: 'retry',
  rate_limited: 'retry',
  provider_unavailable: 'retry',
  auth_failed: 'failover_and_open',
  quota_exceeded: 'failover_and_open',
  account_suspended: 'failover_and_open',
  sender_not_verified: 'failover_and_open',
  message_rejected: 'failover',
  invalid_message: 'stop',
  recipient_suppressed: 'stop',
  unknown: 'retry_once',
});

/**
 * Codes that say the provider itself is unwell (it did not answer, or answered that it is down):
 * consecutive ones open its circuit. What to *do* about a code is the action table's business.
 */
export const OUTAGE_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'network',
  'timeout',
  'provider_unavailable',
  'unknown',
]);

/** What an adapter's `classifyError` returns: one failed call, described without secrets. */
export interface ProviderFailure {
  /** The taxonomy code; the engine's action follows from it. */
  readonly code: FailureCode;
  /** Whether the provider may already have accepted the message. */
  readonly outcome: SendOutcome;
  /** A short, secret-free description for people (never contains API keys or tokens). */
  readonly message: string;
  /** HTTP status, when there was one. */
  readonly status?: number;
  /** The provider's own error name or code (`TooManyRequestsException`, Postmark `406`, …). */
  readonly providerCode?: string;
  /** How long the provider asked us to wait before retrying, in milliseconds. */
  readonly retryAfterMs?: number;
  /** Recipients the provider refused (e.g. Postmark's InactiveRecipientsError). */
  readonly recipients?: readonly string[];
}

/** Build a ProviderFailure, defaulting `outcome` to `not_sent`. */
export function providerFailure(
  code: FailureCode,
  message: string,
  extra: Partial<Omit<ProviderFailure, 'code' | 'message'>> = {},
): ProviderFailure {
  return { code, message, outcome: extra.outcome ?? 'not_sent', ...stripUndefined(extra) };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Whether a value is one of the {@link FAILURE_CODES}. */
export function isFailureCode(value: unknown): value is FailureCode {
  return typeof value === 'string' && (FAILURE_CODES as readonly string[]).includes(value);
}
