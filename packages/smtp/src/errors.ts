/**
 * What a failed SMTP send means: the relay's reply through `classifySmtpReply`, nodemailer's own
 * codes from a table (docs/adapters.md, "errors.ts"). The shared steps are the kit's.
 */
import type {
  Classifier,
  ClassifyContext,
  FailureCode,
  ProviderAnswer,
  SmtpReplyCategory,
} from '@mailover/core/provider';
import { classifySmtpReply, createClassifier, scrubSecrets, textOf } from '@mailover/core/provider';
import { SmtpUnsendableError } from './mapping.js';
import { lookupTable } from '@mailover/core/provider';

/** nodemailer's own error codes (`error.code`) and what they mean for a send. */
const NODEMAILER_CODES: Readonly<Record<string, FailureCode>> = lookupTable({
  EAUTH: 'auth_failed',
  ENOAUTH: 'auth_failed',
  ECONNECTION: 'network',
  ESOCKET: 'network',
  EDNS: 'network',
  ETLS: 'network',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'network',
  ECONNREFUSED: 'network',
});

/** What a permanent (5xx) reply from the relay means for the engine. */
const PERMANENT: Readonly<Partial<Record<SmtpReplyCategory, FailureCode>>> = {
  recipient_unknown: 'invalid_message', // the address does not exist: it would fail anywhere
  auth_required: 'auth_failed',
  content_rejected: 'message_rejected',
  blocklisted: 'message_rejected', // this relay's IP or domain is listed: another provider may pass
  policy_reputation: 'message_rejected',
};

/** What a transient (4xx) reply from the relay means. */
const TRANSIENT: Readonly<Partial<Record<SmtpReplyCategory, FailureCode>>> = {
  rate_limit: 'rate_limited',
  greylisting: 'rate_limited',
  auth_required: 'auth_failed',
};

/** Commands before the message is handed over: a failure there leaves nothing at the relay. */
const BEFORE_DATA = new Set(['EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH', 'MAIL', 'RCPT', 'RSET', 'NOOP']);

export interface SmtpErrorContext extends ClassifyContext {
  /** Retry-After to report for a greylisting reply: when the same IP will be let through. Default: none. */
  readonly greylistingRetryAfterMs?: number;
}

function answer(error: Record<PropertyKey, unknown>, context: SmtpErrorContext): ProviderAnswer | undefined {
  if (error instanceof SmtpUnsendableError) return { row: { code: 'invalid_message' }, text: error.message };
  const { code, response, responseCode, command } = error;
  if (typeof response === 'string' && typeof responseCode === 'number' && responseCode >= 400) {
    const reply = classifySmtpReply(response);
    const table = reply.transient ? TRANSIENT : PERMANENT;
    const failureCode =
      table[reply.category] ?? (reply.transient ? 'provider_unavailable' : 'message_rejected');
    return {
      row: { code: failureCode, providerCode: reply.enhanced ?? String(responseCode) },
      text: `relay replied ${response.trim()} (${reply.category})`,
      status: responseCode,
      ...(reply.category === 'greylisting' ? { retryAfterMs: context.greylistingRetryAfterMs } : {}),
    };
  }
  const mapped = typeof code === 'string' ? NODEMAILER_CODES[code] : undefined;
  if (!mapped) return undefined;
  // Before DATA the relay holds nothing yet; a connection lost after it may have taken the message.
  // nodemailer names the command CONN for a connection error at any stage (a close after the DATA
  // body included), so only what proves the relay never got the message counts as `not_sent`: a
  // command before DATA, or a connection that was never made (refused, DNS, connect or greeting
  // timeout). Everything else is `unknown`: better a flagged possible duplicate than a silent one.
  const verb = typeof command === 'string' ? command.toUpperCase().split(' ')[0]! : '';
  const neverConnected =
    code === 'ECONNREFUSED' ||
    code === 'EDNS' ||
    /^(Connection timeout|Greeting never received|connect E|getaddrinfo)/i.test(textOf(error.message));
  const outcome = neverConnected || BEFORE_DATA.has(verb) ? 'not_sent' : 'unknown';
  return {
    row: { code: mapped, outcome, providerCode: code as string },
    text: textOf(error.message) || 'SMTP error',
  };
}

/** Describe a nodemailer error. Pure and total; `context.secrets` never appear. */
export const classifySmtpError: Classifier<SmtpErrorContext> = createClassifier<SmtpErrorContext>({
  provider: 'SMTP',
  answer,
});

/**
 * Every form a credential takes on the wire: the password (AUTH LOGIN sends it base64-encoded,
 * which scrubSecrets also removes) and the AUTH PLAIN blob `\0user\0pass`, whose base64 does not
 * contain the password's base64.
 */
export function smtpSecrets(auth: { readonly user: string; readonly pass: string }): string[] {
  return [
    auth.pass,
    `\u0000${auth.user}\u0000${auth.pass}`,
    `${auth.user}\u0000${auth.user}\u0000${auth.pass}`,
  ];
}

/** The error with every secret scrubbed from its message, reply, command and stack (changed in place). */
export function scrubError(error: unknown, secrets: readonly string[]): unknown {
  if (typeof error !== 'object' || error === null || secrets.length === 0) return error;
  const fields = error as Record<string, unknown>;
  for (const key of ['message', 'response', 'command', 'stack']) {
    const value = fields[key];
    if (typeof value === 'string') {
      try {
        fields[key] = scrubSecrets(value, secrets);
      } catch {
        // A read-only field stays as it is; classifyError scrubs what it reports anyway.
      }
    }
  }
  return error;
}
