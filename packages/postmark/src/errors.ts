/**
 * What a failed Postmark call means: the ErrorCode table first, the HTTP status second
 * (docs/adapters.md, "errors.ts"; the rows: docs/providers/postmark.md). The shared steps are the
 * kit's.
 *
 * The `postmark` 5.x SDK throws `PostmarkError` subclasses with `.statusCode` (HTTP, 0 when there
 * was no answer), `.code` (the body's ErrorCode) and `.message` (the body's Message). It keeps no
 * headers and no cause, so the adapter's own fetch wrapper attaches what it saw as
 * `error.mailoverTransport` (see client.ts): the Retry-After header and the network error code.
 */
import type { Classifier, FailureRow, ProviderAnswer } from '@mailover/core/provider';
import { createClassifier, parseRetryAfter, textOf, UnexpectedResponseError } from '@mailover/core/provider';

/** What the adapter's fetch wrapper saw under the SDK: kept on the thrown error as `mailoverTransport`. */
export interface PostmarkTransportDetails {
  /** The response's Retry-After header, when there was a response carrying one. */
  readonly retryAfter?: string;
  /** The network error code beneath `fetch failed` (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
  readonly networkCode?: string;
}

type Row = FailureRow;

/** Postmark ErrorCode → failure (Postmark's API overview, "Error codes"). */
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

/** @deprecated Use `UnexpectedResponseError` from `@mailover/core/provider`; kept for one release. */
export class PostmarkMalformedResponseError extends UnexpectedResponseError {
  constructor(_message?: string) {
    super('Postmark', 0, 'a MessageID');
  }
}

function answer(
  error: Record<PropertyKey, unknown>,
  { now }: { readonly now: number },
): ProviderAnswer | undefined {
  const text = textOf(error.message);
  const status = typeof error.statusCode === 'number' && error.statusCode > 0 ? error.statusCode : undefined;
  const errorCode = typeof error.code === 'number' && error.code > 0 ? error.code : undefined;
  const transport = readTransport(error.mailoverTransport);
  const recipients = Array.isArray(error.recipients)
    ? error.recipients.filter((entry): entry is string => typeof entry === 'string')
    : undefined;
  const extra = { status, retryAfterMs: parseRetryAfter(transport.retryAfter, now), recipients };
  const byCode = errorCode === undefined ? undefined : POSTMARK_ERROR_CODES[errorCode];
  if (byCode) {
    return {
      row: { ...byCode, providerCode: String(errorCode) },
      text: text || `ErrorCode ${errorCode}`,
      ...extra,
    };
  }
  if (status !== undefined) {
    const row = POSTMARK_HTTP_STATUSES[status] ?? (status >= 500 ? POSTMARK_HTTP_STATUSES[500]! : undefined);
    const providerCode = errorCode === undefined ? nameOf(error) : String(errorCode);
    return {
      row: row ? { ...row, providerCode } : { code: 'unknown', outcome: 'not_sent', providerCode },
      text: text || `HTTP ${status}`,
      ...extra,
    };
  }
  if (/valid API token must be provided/i.test(text)) return { row: { code: 'auth_failed' }, text, ...extra };
  return undefined;
}

/** Describe anything a Postmark send threw. Pure and total; `context.secrets` never appear. */
export const classifyPostmarkError: Classifier = createClassifier({
  provider: 'Postmark',
  answer,
  networkCode: (error) => readTransport(error.mailoverTransport).networkCode,
});

function nameOf(fields: Record<PropertyKey, unknown>): string | undefined {
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
