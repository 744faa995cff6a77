/**
 * What a failed SendGrid call means (reference/providers.md §0.3, §1.1, §1.2): a table of SendGrid's
 * answers first, HTTP status codes second, network codes third, the error's text last.
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

/** One row of the classification: what it means and whether SendGrid may have accepted the mail. */
export interface SendGridFailureRow {
  readonly code: FailureCode;
  /** Default `not_sent`. */
  readonly outcome?: SendOutcome;
  /** A stable name for the row, reported as `ProviderFailure.providerCode`. */
  readonly providerCode: string;
}

/**
 * SendGrid answers whose status alone is ambiguous, told apart by the body's `errors[].message`.
 * Checked before the status table.
 */
export const SENDGRID_MESSAGE_RULES: readonly (SendGridFailureRow & {
  readonly statuses: readonly number[];
  readonly text: RegExp;
})[] = [
  // Support article "4XX API Errors and Troubleshooting Suggestions": 401 "Maximum credits exceeded".
  {
    statuses: [401, 403],
    text: /maximum credits exceeded/i,
    code: 'quota_exceeded',
    providerCode: 'credits_exceeded',
  },
  {
    statuses: [401, 403],
    text: /not authorized to access sendgrid|suspended|account (?:is |has been )?(?:disabled|deactivated|banned)/i,
    code: 'account_suspended',
    providerCode: 'account_suspended',
  },
  {
    statuses: [400, 403],
    text: /verified sender identity|sender identity|sender authentication/i,
    code: 'sender_not_verified',
    providerCode: 'sender_not_verified',
  },
  // The errors page lists 403 "Too many bad requests. Temporary block": it lifts on its own.
  {
    statuses: [403],
    text: /too many bad requests|temporary block/i,
    code: 'rate_limited',
    providerCode: 'temporary_block',
  },
];

/** SendGrid's HTTP statuses (the v3 errors page), for answers no message rule matched. */
export const SENDGRID_STATUS_TABLE: Readonly<Record<number, SendGridFailureRow>> = {
  400: { code: 'invalid_message', providerCode: 'bad_request' },
  401: { code: 'auth_failed', providerCode: 'unauthorized' },
  403: { code: 'auth_failed', providerCode: 'forbidden' },
  // A wrong `endpoint` or a proxy in the way: a configuration fault of this provider, not of the message.
  404: { code: 'auth_failed', providerCode: 'not_found' },
  405: { code: 'auth_failed', providerCode: 'method_not_allowed' },
  406: { code: 'auth_failed', providerCode: 'not_acceptable' },
  // A limit of SendGrid (30 MB); another provider may take the message.
  413: { code: 'message_rejected', providerCode: 'payload_too_large' },
  429: { code: 'rate_limited', providerCode: 'too_many_requests' },
  // An EU subuser's key on the global host (or the reverse).
  451: { code: 'auth_failed', providerCode: 'data_residency' },
  500: { code: 'provider_unavailable', outcome: 'unknown', providerCode: 'internal_error' },
  502: { code: 'provider_unavailable', outcome: 'unknown', providerCode: 'bad_gateway' },
  503: { code: 'provider_unavailable', outcome: 'unknown', providerCode: 'unavailable' },
  504: { code: 'provider_unavailable', outcome: 'unknown', providerCode: 'gateway_timeout' },
};

/** @internal */
const UNEXPECTED_RESPONSE_MARKER = Symbol.for('mailover.sendgrid.unexpected-response');

/** SendGrid (or something in its place) answered 2xx without the X-Message-Id every real acceptance has. */
export class SendGridUnexpectedResponseError extends Error {
  /** @internal */
  readonly [UNEXPECTED_RESPONSE_MARKER] = true;
  override name = 'SendGridUnexpectedResponseError';

  constructor(readonly status: number) {
    super(`SendGrid answered ${status} without an X-Message-Id header`);
  }

  static isInstance(error: unknown): error is SendGridUnexpectedResponseError {
    return isRecord(error) && error[UNEXPECTED_RESPONSE_MARKER] === true;
  }
}

type AnyRecord = Record<PropertyKey, unknown>;

function isRecord(value: unknown): value is AnyRecord {
  return typeof value === 'object' && value !== null;
}

/** A header from axios' AxiosHeaders, a Headers, or a plain object, by lower-case name. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  try {
    if (typeof headers.get === 'function') {
      const value = (headers.get as (key: string) => unknown).call(headers, name);
      if (value !== undefined && value !== null) return String(value);
    }
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name && (typeof value === 'string' || typeof value === 'number'))
        return String(value);
    }
  } catch {
    // A hostile or broken headers object: treat as absent.
  }
  return undefined;
}

/** SendGrid's `{"errors":[{message}]}` messages, or the text of an HTML/plain body. */
function bodyMessages(body: unknown): string[] {
  if (typeof body === 'string') {
    const text = body
      .replace(/<[^<>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text ? [text.slice(0, 200)] : [];
  }
  if (!isRecord(body) || !Array.isArray(body.errors)) return [];
  return body.errors
    .map((entry: unknown) => (isRecord(entry) ? entry.message : entry))
    .filter((message): message is string => typeof message === 'string' && message !== '');
}

/** Milliseconds to wait: Retry-After first, else X-RateLimit-Reset (epoch seconds). */
function retryAfterFrom(headers: unknown, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headerOf(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headerOf(headers, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - now);
}

/** Removes the API key (raw, base64, or any Bearer token / SendGrid-shaped key) from text. */
function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  return scrubSecrets(text, secrets)
    .replace(/Bearer\s+[^\s"',;]+/gi, 'Bearer [redacted]')
    .replace(/SG\.[\w-]{6,}\.[\w-]{6,}/g, '[redacted]')
    .slice(0, 500);
}

function fromResponse(status: number, response: AnyRecord, statusText: unknown, now: number) {
  const messages = bodyMessages(response.body);
  const text = messages.join('; ');
  const rule = SENDGRID_MESSAGE_RULES.find((row) => row.statuses.includes(status) && row.text.test(text));
  const row: SendGridFailureRow =
    rule ??
    SENDGRID_STATUS_TABLE[status] ??
    (status >= 500
      ? { code: 'provider_unavailable', outcome: 'unknown', providerCode: `http_${status}` }
      : { code: 'unknown', providerCode: `http_${status}` });
  const label = typeof statusText === 'string' && statusText !== '' ? ` ${statusText}` : '';
  return {
    row,
    description: `SendGrid answered ${status}${label}${text ? `: ${text}` : ''}`,
    retryAfterMs: row.code === 'rate_limited' ? retryAfterFrom(response.headers, now) : undefined,
  };
}

function fromNetworkCode(code: string): SendGridFailureRow | undefined {
  if (TIMEOUT_ERROR_CODES.has(code)) return { code: 'timeout', outcome: 'unknown', providerCode: code };
  if (NEVER_CONNECTED_CODES.has(code)) return { code: 'network', providerCode: code };
  if (NETWORK_ERROR_CODES.has(code)) return { code: 'network', outcome: 'unknown', providerCode: code };
  return undefined;
}

/** The error's text, read last: for errors that lost their code on the way. */
function fromText(text: string): SendGridFailureRow | undefined {
  if (/timeout|timed out|aborted/i.test(text))
    return { code: 'timeout', outcome: 'unknown', providerCode: 'timeout' };
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(text))
    return { code: 'network', providerCode: 'connect_failed' };
  if (/ECONNRESET|socket hang up|EPIPE|network/i.test(text))
    return { code: 'network', outcome: 'unknown', providerCode: 'connection_lost' };
  if (/too many requests|rate limit/i.test(text))
    return { code: 'rate_limited', providerCode: 'rate_limited' };
  return undefined;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

function classify(error: unknown, secrets: readonly (string | undefined)[], now: number): ProviderFailure {
  const build = (row: SendGridFailureRow, description: string, extra: Partial<ProviderFailure> = {}) =>
    providerFailure(row.code, scrub(description, secrets), {
      outcome: row.outcome ?? 'not_sent',
      providerCode: row.providerCode,
      ...extra,
    });

  if (ConfigurationError.isInstance(error)) {
    return build({ code: 'auth_failed', providerCode: 'configuration' }, error.message);
  }
  if (isAbortError(error)) {
    return build(
      { code: 'timeout', outcome: 'unknown', providerCode: 'aborted' },
      'SendGrid request aborted before an answer came',
    );
  }
  if (SendGridUnexpectedResponseError.isInstance(error)) {
    return build(
      { code: 'unknown', outcome: 'unknown', providerCode: 'unexpected_response' },
      error.message,
      {
        status: error.status,
      },
    );
  }
  if (!isRecord(error)) {
    return build({ code: 'unknown', outcome: 'unknown', providerCode: 'unknown' }, 'SendGrid send failed');
  }

  // @sendgrid/helpers ResponseError: `code` is the HTTP status, `response` holds body and headers.
  const response = error.response;
  if (typeof error.code === 'number' && isRecord(response)) {
    const { row, description, retryAfterMs } = fromResponse(error.code, response, error.message, now);
    return build(row, description, { status: error.code, retryAfterMs });
  }

  // An axios error: no HTTP answer came (or one the SDK did not wrap).
  const message = safeString(error.message);
  const networkCode = typeof error.code === 'string' ? error.code : undefined;
  const byCode = networkCode ? fromNetworkCode(networkCode) : undefined;
  if (byCode) return build(byCode, `SendGrid request failed: ${message || networkCode}`);
  if (isRecord(error.cause) && typeof error.cause.code === 'string') {
    const byCause = fromNetworkCode(error.cause.code);
    if (byCause) return build(byCause, `SendGrid request failed: ${message || error.cause.code}`);
  }
  const byText = fromText(message);
  if (byText) return build(byText, `SendGrid request failed: ${message}`);
  return build(
    { code: 'unknown', outcome: 'unknown', providerCode: networkCode ?? 'unknown' },
    `SendGrid send failed${message ? `: ${message}` : ''}`,
  );
}

/**
 * Describe anything `@sendgrid/mail` (or this adapter) threw. Pure and total: never throws, and the
 * message never contains `secrets` (the API key) nor any Bearer token.
 */
export function classifySendGridError(
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
  now: number = Date.now(),
): ProviderFailure {
  try {
    return classify(error, secrets, now);
  } catch {
    return providerFailure('unknown', 'SendGrid send failed (the error could not be read)', {
      outcome: 'unknown',
    });
  }
}
