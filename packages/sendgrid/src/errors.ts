/**
 * What a failed SendGrid call means (docs/adapters.md, "errors.ts"; the rows: docs/providers/sendgrid.md):
 * a table of SendGrid's answers first, HTTP statuses second. The shared steps (configuration, abort,
 * network codes, text, scrubbing) are the kit's.
 */
import type { Classifier, FailureRow, ProviderAnswer } from '@mailover/core/provider';
import {
  createClassifier,
  isRecord,
  parseRetryAfter,
  statusRow,
  UnexpectedResponseError,
} from '@mailover/core/provider';

/** One row of the classification. */
export type SendGridFailureRow = FailureRow & { readonly providerCode: string };

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

/** @deprecated Use `UnexpectedResponseError` from `@mailover/core/provider`; kept for one release. */
export class SendGridUnexpectedResponseError extends UnexpectedResponseError {
  constructor(status: number) {
    super('SendGrid', status, 'an X-Message-Id header');
  }
}

/** A header from axios' AxiosHeaders, a Headers, or a plain object, by lower-case name. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  if (typeof headers.get === 'function') {
    const value = (headers.get as (key: string) => unknown).call(headers, name);
    if (value !== undefined && value !== null) return String(value);
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && (typeof value === 'string' || typeof value === 'number'))
      return String(value);
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

/** @sendgrid/helpers' ResponseError: `code` is the HTTP status, `response` holds body and headers. */
function answer(
  error: Record<PropertyKey, unknown>,
  { now }: { readonly now: number },
): ProviderAnswer | undefined {
  const status = error.code;
  const response = error.response;
  if (typeof status !== 'number' || !isRecord(response)) return undefined;
  const text = bodyMessages(response.body).join('; ');
  const rule = SENDGRID_MESSAGE_RULES.find((row) => row.statuses.includes(status) && row.text.test(text));
  const row: FailureRow = rule ?? SENDGRID_STATUS_TABLE[status] ?? statusRow(status);
  const label = typeof error.message === 'string' && error.message !== '' ? ` ${error.message}` : '';
  return {
    row,
    text: `answered ${status}${label}${text ? `: ${text}` : ''}`,
    status,
    retryAfterMs: row.code === 'rate_limited' ? retryAfterFrom(response.headers, now) : undefined,
  };
}

/**
 * Describe anything `@sendgrid/mail` (or this adapter) threw. Pure and total: the message never
 * contains `context.secrets` (the API key) nor any Bearer token or SendGrid-shaped key.
 */
export const classifySendGridError: Classifier = createClassifier({
  provider: 'SendGrid',
  answer,
  scrub: [/Bearer\s+[^\s"',;]+/gi, /SG\.[\w-]{6,}\.[\w-]{6,}/g],
});
