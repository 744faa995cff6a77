/**
 * What a failed Postmark call means for mailover: the ErrorCode table first, the HTTP status second,
 * the error's text last (shared/reference/providers.md §0.3, §4.1, §4.2). Pure and total.
 *
 * The `postmark` 5.x SDK throws `PostmarkError` subclasses with `.statusCode` (HTTP, 0 when there
 * was no answer), `.code` (the body's ErrorCode) and `.message` (the body's Message). It keeps no
 * headers and no cause, so the adapter's own fetch wrapper attaches what it saw as
 * `error.mailoverTransport` (see client.ts): the Retry-After header and the network error code.
 */
import {
  ConfigurationError,
  type FailureCode,
  isAbortError,
  NETWORK_ERROR_CODES,
  type ProviderFailure,
  parseRetryAfter,
  providerFailure,
  type SendOutcome,
  scrubSecrets,
  TIMEOUT_ERROR_CODES,
  NEVER_CONNECTED_CODES,
} from '@mailover/core';

/** What the adapter's fetch wrapper saw under the SDK: kept on the thrown error as `mailoverTransport`. */
export interface PostmarkTransportDetails {
  /** The response's Retry-After header, when there was a response carrying one. */
  readonly retryAfter?: string;
  /** The network error code beneath `fetch failed` (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
  readonly networkCode?: string;
}

interface Row {
  readonly code: FailureCode;
  readonly outcome?: SendOutcome;
}

/** Postmark ErrorCode → failure (https://postmarkapp.com/developer/api/overview#error-codes). */
export const POSTMARK_ERROR_CODES: Readonly<Record<number, Row>> = {
  10: { code: 'auth_failed' }, // bad or missing API token
  100: { code: 'provider_unavailable' }, // maintenance
  300: { code: 'invalid_message' }, // invalid email request (addresses, no body, …)
  400: { code: 'sender_not_verified' }, // sender signature not found
  401: { code: 'sender_not_verified' }, // sender signature not confirmed
  402: { code: 'message_rejected' }, // invalid JSON: our request, not the message, is at fault
  403: { code: 'message_rejected' }, // incompatible JSON
  405: { code: 'quota_exceeded' }, // not allowed to send: out of credits, or account under review
  406: { code: 'recipient_suppressed' }, // inactive recipient: hard bounce, complaint, manual suppression
  409: { code: 'message_rejected' }, // JSON required
  410: { code: 'message_rejected' }, // too many batch messages
  411: { code: 'message_rejected' }, // forbidden attachment type: a limit of Postmark only
  412: { code: 'account_suspended' }, // account pending approval: only its own domain may receive
  413: { code: 'account_suspended' }, // account may not send
  429: { code: 'rate_limited' },
};

/** HTTP status → failure, when the body carried no ErrorCode the table knows. */
export const POSTMARK_HTTP_STATUSES: Readonly<Record<number, Row>> = {
  401: { code: 'auth_failed' },
  // An HTML 403 comes from Postmark's network security layer or the API IP allowlist.
  403: { code: 'auth_failed' },
  413: { code: 'message_rejected' }, // over 10 MB (50 MB for a batch)
  415: { code: 'message_rejected' },
  422: { code: 'invalid_message' },
  429: { code: 'rate_limited' },
  // Postmark: on a 500 "in most cases the message is lost" — most, not all.
  500: { code: 'provider_unavailable', outcome: 'unknown' },
  502: { code: 'provider_unavailable', outcome: 'unknown' },
  503: { code: 'provider_unavailable', outcome: 'unknown' },
  504: { code: 'provider_unavailable', outcome: 'unknown' },
};

/** @internal */
const MALFORMED_MARKER = Symbol.for('mailover.postmark.malformed-response');

/** Postmark answered 2xx with something that is not a send result: it may have accepted the message. */
export class PostmarkMalformedResponseError extends Error {
  /** @internal */
  readonly [MALFORMED_MARKER] = true;
  override name = 'PostmarkMalformedResponseError';

  static isInstance(error: unknown): error is PostmarkMalformedResponseError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MALFORMED_MARKER] === true
    );
  }
}

/**
 * Describe anything a Postmark send threw. `secrets` (the server token) are scrubbed from the
 * message. Never throws; input it cannot read gives code `unknown`.
 */
export function classifyPostmarkError(
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
): ProviderFailure {
  try {
    return classify(error, secrets);
  } catch {
    return providerFailure('unknown', 'postmark: an error that could not be read', { outcome: 'unknown' });
  }
}

function classify(error: unknown, secrets: readonly (string | undefined)[]): ProviderFailure {
  const describe = (text: string) => scrubSecrets(`postmark: ${text}`, secrets);
  if (ConfigurationError.isInstance(error)) return providerFailure('auth_failed', describe(error.message));
  if (isAbortError(error)) {
    return providerFailure('timeout', describe('the call was aborted before Postmark answered'), {
      outcome: 'unknown',
    });
  }
  if (PostmarkMalformedResponseError.isInstance(error)) {
    return providerFailure('unknown', describe(error.message), { outcome: 'unknown' });
  }
  if (typeof error !== 'object' || error === null) {
    return providerFailure('unknown', describe(`unexpected ${typeof error} thrown`), { outcome: 'unknown' });
  }

  const fields = error as Record<string, unknown>;
  const text = typeof fields.message === 'string' ? fields.message : '';
  const status =
    typeof fields.statusCode === 'number' && fields.statusCode > 0 ? fields.statusCode : undefined;
  const errorCode = typeof fields.code === 'number' && fields.code > 0 ? fields.code : undefined;
  const transport = readTransport(fields.mailoverTransport);
  const retryAfterMs = parseRetryAfter(transport.retryAfter);
  const recipients = Array.isArray(fields.recipients)
    ? fields.recipients.filter((entry): entry is string => typeof entry === 'string')
    : undefined;
  const extra = {
    status,
    providerCode: errorCode === undefined ? nameOf(fields) : String(errorCode),
    retryAfterMs,
    recipients: recipients && recipients.length > 0 ? recipients : undefined,
  };

  // 1. Postmark's own ErrorCode.
  const byCode = errorCode === undefined ? undefined : POSTMARK_ERROR_CODES[errorCode];
  if (byCode)
    return providerFailure(byCode.code, describe(text || `ErrorCode ${errorCode}`), {
      ...extra,
      ...outcomeOf(byCode),
    });
  // 2. The HTTP status.
  if (status !== undefined) {
    const byStatus =
      POSTMARK_HTTP_STATUSES[status] ?? (status >= 500 ? POSTMARK_HTTP_STATUSES[500] : undefined);
    const summary = text || `HTTP ${status}`;
    if (byStatus)
      return providerFailure(byStatus.code, describe(summary), { ...extra, ...outcomeOf(byStatus) });
    return providerFailure('unknown', describe(summary), extra);
  }
  // 3. No answer: the text and the transport details say what happened.
  const nodeCode = transport.networkCode ?? (typeof fields.code === 'string' ? fields.code : undefined);
  if (/aborted due to timeout|timed? ?out/i.test(text) || (nodeCode && TIMEOUT_ERROR_CODES.has(nodeCode))) {
    return providerFailure('timeout', describe(text || 'timed out'), { ...extra, outcome: 'unknown' });
  }
  if (/operation was aborted/i.test(text)) {
    return providerFailure('timeout', describe(text), { ...extra, outcome: 'unknown' });
  }
  if (/fetch failed|socket|network/i.test(text) || (nodeCode && NETWORK_ERROR_CODES.has(nodeCode))) {
    // Without the cause (a user-supplied client) a reset after sending cannot be told from a refusal.
    const outcome: SendOutcome = nodeCode && NEVER_CONNECTED_CODES.has(nodeCode) ? 'not_sent' : 'unknown';
    const detail = nodeCode ? `${text || 'network error'} (${nodeCode})` : text;
    return providerFailure('network', describe(detail), { ...extra, outcome });
  }
  if (/valid API token must be provided/i.test(text))
    return providerFailure('auth_failed', describe(text), extra);
  return providerFailure('unknown', describe(text || 'unrecognised error'), { ...extra, outcome: 'unknown' });
}

function outcomeOf(row: Row): { outcome: SendOutcome } {
  return { outcome: row.outcome ?? 'not_sent' };
}

function nameOf(fields: Record<string, unknown>): string | undefined {
  return typeof fields.name === 'string' && fields.name !== 'Error' ? fields.name : undefined;
}

function readTransport(value: unknown): PostmarkTransportDetails {
  if (typeof value !== 'object' || value === null) return {};
  const fields = value as Record<string, unknown>;
  return {
    ...(typeof fields.retryAfter === 'string' ? { retryAfter: fields.retryAfter } : {}),
    ...(typeof fields.networkCode === 'string' ? { networkCode: fields.networkCode } : {}),
  };
}
