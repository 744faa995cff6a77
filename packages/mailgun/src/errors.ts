/**
 * What went wrong with a Mailgun send, as data (providers.md §0.3, §0.4.1, §3.1, §5.2) and one
 * total classifier. mailgun.js throws an unexported `APIError` marked `type: 'MailgunAPIError'`
 * with `status`, `message` (statusText, or the axios error code) and `details` (the body's
 * `message`, or the raw text). It drops every response header.
 */
import {
  ConfigurationError,
  type FailureCode,
  isAbortError,
  NETWORK_ERROR_CODES,
  type ProviderFailure,
  providerFailure,
  type SendOutcome,
  scrubSecrets,
  TIMEOUT_ERROR_CODES,
  NEVER_CONNECTED_CODES,
} from '@mailover/core';

/** @internal */
const UNEXPECTED_RESPONSE_MARKER = Symbol.for('mailover.mailgun.unexpected-response');

/** Mailgun answered a send with success but without a message id (an HTML page, a proxy's answer). */
export class MailgunUnexpectedResponseError extends Error {
  /** @internal */
  readonly [UNEXPECTED_RESPONSE_MARKER] = true;
  override name = 'MailgunUnexpectedResponseError';

  constructor(
    readonly status: number,
    readonly details: string,
  ) {
    super(`Mailgun answered ${status} without a message id`);
  }

  static isInstance(error: unknown): error is MailgunUnexpectedResponseError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[UNEXPECTED_RESPONSE_MARKER] === true
    );
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

const NETWORK_CODE = /^(E[A-Z_]+|ERR_[A-Z_]+|UND_ERR_[A-Z_]+)$/;

export interface ClassifyMailgunOptions {
  /** Secrets to scrub from the message (the API key; its Basic-auth form is added). */
  readonly secrets?: readonly (string | undefined)[];
  /** Now, in epoch ms, for "try again after <date>". Default `Date.now()`. */
  readonly now?: number;
}

/** Describe anything a Mailgun send threw. Pure and total: never throws. */
export function classifyMailgunError(error: unknown, options: ClassifyMailgunOptions = {}): ProviderFailure {
  const secrets = (options.secrets ?? []).flatMap((secret) => (secret ? [secret, `api:${secret}`] : []));
  const clean = (text: string) => truncate(scrubSecrets(text, secrets));
  try {
    return classify(error, options.now ?? Date.now(), clean);
  } catch {
    return providerFailure('unknown', 'Mailgun: an error that could not be read', { outcome: 'unknown' });
  }
}

function classify(error: unknown, now: number, clean: (text: string) => string): ProviderFailure {
  if (ConfigurationError.isInstance(error)) return providerFailure('auth_failed', clean(error.message));
  if (isAbortError(error)) {
    return providerFailure('timeout', 'Mailgun: the send was aborted before an answer came', {
      outcome: 'unknown',
    });
  }
  if (MailgunUnexpectedResponseError.isInstance(error)) {
    // A 2xx that is not Mailgun's answer: the message may well have been queued.
    return providerFailure('unknown', clean(`Mailgun ${error.status}: answer without a message id`), {
      outcome: 'unknown',
      status: error.status,
      providerCode: 'unexpected_response',
    });
  }
  if (typeof error !== 'object' || error === null) {
    return providerFailure('unknown', clean(`Mailgun: ${String(error)}`), { outcome: 'unknown' });
  }

  const fields = error as Record<string, unknown>;
  const message = typeof fields.message === 'string' ? fields.message : '';
  const details = typeof fields.details === 'string' ? fields.details : '';
  const errorCode = typeof fields.code === 'string' ? fields.code : undefined;

  // mailgun.js reports network failures and timeouts as status 400 with the axios code as message.
  const networkCode = NETWORK_CODE.test(message)
    ? message
    : errorCode !== undefined && isKnownNetworkCode(errorCode)
      ? errorCode
      : undefined;
  if (networkCode) return classifyNetwork(networkCode, details || message, clean);

  const status = numericStatus(fields.status ?? fields.statusCode);
  const text = [details, message].filter(Boolean).join(' — ');
  const describe = (name: string) => clean(`Mailgun ${status ?? ''} ${name}: ${text}`.replace(/\s+/g, ' '));

  if (status !== undefined) {
    const searchable = `${details}\n${message}`;
    const row = MAILGUN_ERROR_TABLE.find(
      (candidate) =>
        (!candidate.statuses || candidate.statuses.includes(status)) && candidate.pattern.test(searchable),
    );
    const retryAfterMs = parseTryAgainAfter(searchable, now);
    if (row)
      return providerFailure(row.code, describe(row.name), { status, providerCode: row.name, retryAfterMs });
    if (status >= 500) {
      return providerFailure('provider_unavailable', describe('server error'), {
        status,
        outcome: 'unknown',
        providerCode: String(status),
      });
    }
    const code = MAILGUN_STATUS_CODES[status];
    if (code) return providerFailure(code, describe(message || String(status)), { status, retryAfterMs });
    return providerFailure('unknown', describe('unexpected status'), { status, outcome: 'unknown' });
  }

  // Last: errors from something other than mailgun.js (an injected client), read by their text.
  if (/time(d)? ?out/i.test(text))
    return providerFailure('timeout', clean(`Mailgun: ${text}`), { outcome: 'unknown' });
  if (/socket hang up|network|fetch failed/i.test(text)) {
    return providerFailure('network', clean(`Mailgun: ${text}`), { outcome: 'unknown' });
  }
  return providerFailure('unknown', clean(`Mailgun: ${text || 'unknown error'}`), { outcome: 'unknown' });
}

function classifyNetwork(code: string, detail: string, clean: (text: string) => string): ProviderFailure {
  const description = clean(`Mailgun: ${code}${detail && detail !== code ? ` (${detail})` : ''}`);
  if (TIMEOUT_ERROR_CODES.has(code) && code !== 'UND_ERR_CONNECT_TIMEOUT') {
    return providerFailure('timeout', description, { outcome: 'unknown', providerCode: code });
  }
  // Refused or unresolved: the request never left. A reset mid-way may have been read.
  const outcome: SendOutcome = NEVER_CONNECTED_CODES.has(code) ? 'not_sent' : 'unknown';
  const known = NETWORK_ERROR_CODES.has(code) || NEVER_CONNECTED_CODES.has(code);
  return providerFailure('network', description, {
    outcome: known ? outcome : 'unknown',
    providerCode: code,
  });
}

function isKnownNetworkCode(code: string): boolean {
  return NETWORK_ERROR_CODES.has(code) || TIMEOUT_ERROR_CODES.has(code) || NEVER_CONNECTED_CODES.has(code);
}

/** `… try again after Mon, 20 Dec 2021 20:33:21 UTC` → milliseconds from `now`. */
export function parseTryAgainAfter(text: string, now: number): number | undefined {
  const match = /try again after ([A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2}) (UTC|GMT)/i.exec(
    text,
  );
  if (!match) return undefined;
  const time = Date.parse(`${match[1]} GMT`);
  return Number.isNaN(time) ? undefined : Math.max(0, time - now);
}

function numericStatus(value: unknown): number | undefined {
  const status = typeof value === 'string' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status > 0 ? status : undefined;
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
