/**
 * What went wrong with a Mailgun send: the table (docs/adapters.md, "errors.ts"; the rows:
 * docs/providers/mailgun.md). mailgun.js throws an unexported `APIError` marked
 * `type: 'MailgunAPIError'` with `status`, `message` (statusText, or the axios error code) and
 * `details` (the body's `message`, or the raw text). It drops every response header, so the wait
 * comes from the body's "try again after <date>".
 */
import type { Classifier, ClassifyContext, FailureCode, ProviderAnswer } from '@mailover/core/provider';
import {
  createClassifier,
  statusOf,
  statusRow,
  textOf,
  UnexpectedResponseError,
} from '@mailover/core/provider';

/** @deprecated Use `UnexpectedResponseError` from `@mailover/core/provider`; kept for one release. */
export class MailgunUnexpectedResponseError extends UnexpectedResponseError {
  constructor(
    status: number,
    /** What came instead of Mailgun's answer. */
    readonly details: string,
  ) {
    super('Mailgun', status);
  }
}

/** One row of the error table: a status (or any) and a text pattern, and what they mean. */
export interface MailgunErrorRow {
  /** Reported as `ProviderFailure.providerCode`: Mailgun has no error codes of its own. */
  readonly name: string;
  /** HTTP statuses the row applies to; any when absent. */
  readonly statuses?: readonly number[];
  /** Matched against the error's `details` and `message`. */
  readonly pattern: RegExp;
  /** The taxonomy code. */
  readonly code: FailureCode;
}

/**
 * Mailgun's documented error texts, most specific first. Several share a status (400, 403, 429)
 * but mean different things, so the text decides before the status does.
 */
export const MAILGUN_ERROR_TABLE: readonly MailgunErrorRow[] = [
  {
    name: 'account_disabled',
    statuses: [400, 401, 403],
    // No unbounded gap between two phrases: `.*` there made a long reply quadratic (SECURITY.md, ReDoS).
    pattern:
      /activate your mailgun account|\baccount (?:has been |is |was )?(?:disabled|terminated|suspended)\b/i,
    code: 'account_suspended',
  },
  {
    name: 'domain_not_verified',
    statuses: [400, 403],
    pattern:
      /not allowed to send: (?:sandbox subdomains|free accounts)|\bis unverified\b|\bunverified domain\b/i,
    code: 'sender_not_verified',
  },
  {
    name: 'quota_exceeded',
    statuses: [400, 402, 403, 420, 429],
    pattern:
      /\b(?:monthly|daily|custom|plan|account) (?:message |sending |email )?limit (?:exceeded|reached)|quota/i,
    code: 'quota_exceeded',
  },
  {
    name: 'limit_exceeded',
    statuses: [420, 429],
    pattern: /limit exceeded|try again after/i,
    code: 'rate_limited',
  },
  {
    name: 'large_batches_not_allowed',
    statuses: [403],
    pattern: /not allowed to send large batches/i,
    code: 'message_rejected',
  },
  {
    name: 'sending_ip_rejected',
    statuses: [403],
    pattern: /\bIP [\w.:]+ can't be used to send/i,
    code: 'auth_failed',
  },
  { name: 'domain_not_found', statuses: [404], pattern: /domain not found/i, code: 'auth_failed' },
  { name: 'too_many_recipients', statuses: [400], pattern: /too many recipients/i, code: 'message_rejected' },
  { name: 'options_too_large', statuses: [400], pattern: /limited to 16 ?kB/i, code: 'message_rejected' },
  // The SDK's answer to a 2xx `Mailgun Magnificent API`: the endpoint is not Mailgun's API.
  { name: 'incorrect_url', statuses: [400], pattern: /^incorrect url$/im, code: 'auth_failed' },
  { name: 'request_too_large', statuses: [413], pattern: /./, code: 'message_rejected' },
];

/** What each HTTP status means when no row of the table matched. */
export const MAILGUN_STATUS_CODES: Readonly<Record<number, FailureCode>> = {
  400: 'invalid_message',
  401: 'auth_failed',
  402: 'quota_exceeded',
  403: 'auth_failed',
  // Mailgun is eventually consistent: a 404 can follow domain creation, but is a config fault.
  404: 'auth_failed',
  408: 'timeout',
  413: 'message_rejected',
  // Mailgun's sending-limit answer arrives as 420 in the wild, and as 429 in the docs.
  420: 'rate_limited',
  429: 'rate_limited',
};

/** mailgun.js reports network failures and timeouts as status 400 with the axios code as message. */
const NETWORK_CODE = /^(E[A-Z_]+|ERR_[A-Z_]+|UND_ERR_[A-Z_]+)$/;

function networkCode(error: Record<PropertyKey, unknown>): string | undefined {
  const message = textOf(error.message);
  return NETWORK_CODE.test(message) ? message : undefined;
}

function answer(
  error: Record<PropertyKey, unknown>,
  { now }: { readonly now: number },
): ProviderAnswer | undefined {
  const status = statusOf(error.status ?? error.statusCode);
  if (status === undefined || networkCode(error)) return undefined;
  const message = textOf(error.message);
  const details = textOf(error.details);
  const searchable = `${details}\n${message}`;
  const text = `${status} ${[details, message].filter(Boolean).join(' — ')}`;
  const retryAfterMs = parseTryAgainAfter(searchable, now);
  const row = MAILGUN_ERROR_TABLE.find(
    (candidate) =>
      (!candidate.statuses || candidate.statuses.includes(status)) && candidate.pattern.test(searchable),
  );
  if (row) return { row: { code: row.code, providerCode: row.name }, text, status, retryAfterMs };
  const code = MAILGUN_STATUS_CODES[status];
  return {
    row: code ? { code, providerCode: String(status) } : statusRow(status),
    text,
    status,
    retryAfterMs,
  };
}

/** Describe anything a Mailgun send threw. Pure and total: never throws. */
export const classifyMailgunError: Classifier = createClassifier({
  provider: 'Mailgun',
  answer,
  networkCode,
  // mailgun.js authenticates as `api:<key>` in Basic auth.
  secretForms: (secret) => [`api:${secret}`],
});

/** @deprecated The context every classifier takes: `ClassifyContext` from `@mailover/core/provider`. */
export type ClassifyMailgunOptions = ClassifyContext;

/** `… try again after Mon, 20 Dec 2021 20:33:21 UTC` → milliseconds from `now`. */
export function parseTryAgainAfter(text: string, now: number): number | undefined {
  const match = /try again after ([A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2}) (UTC|GMT)/i.exec(
    text,
  );
  if (!match) return undefined;
  const time = Date.parse(`${match[1]} GMT`);
  return Number.isNaN(time) ? undefined : Math.max(0, time - now);
}
