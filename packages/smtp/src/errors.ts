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

/** nodemailer's own error codes (`error.code`) and what they mean for a send. */
const NODEMAILER_CODES: Readonly<Record<string, FailureCode>> = {
  EAUTH: 'auth_failed',
  ENOAUTH: 'auth_failed',
  ECONNECTION: 'network',
  ESOCKET: 'network',
  EDNS: 'network',
  ETLS: 'network',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'network',
  ECONNREFUSED: 'network',
};

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

/** Commands after which the relay may already hold the message. */
const AFTER_DATA = new Set(['DATA', 'BDAT', 'CONN_END', 'END']);

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
  // nodemailer reports a socket timeout as command CONN whenever it happens, so only the connection
  // and greeting timeouts (its own words) say for sure that nothing was sent.
  const afterData = typeof command === 'string' && AFTER_DATA.has(command.toUpperCase());
  const beforeAnything = /^(Connection timeout|Greeting never received)/i.test(textOf(error.message));
  const outcome =
    mapped === 'timeout'
      ? beforeAnything
        ? 'not_sent'
        : 'unknown'
      : afterData && mapped === 'network'
        ? 'unknown'
        : 'not_sent';
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
