import {
  type FailureCode,
  type ProviderFailure,
  providerFailure,
  type SmtpReplyCategory,
  classifySmtpReply,
  ConfigurationError,
  isAbortError,
  scrubSecrets,
} from '@mailover/core';
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

export interface SmtpErrorContext {
  readonly secrets: readonly (string | undefined)[];
  /** Retry-After to report for a greylisting reply: when the same IP will be let through. */
  readonly greylistingRetryAfterMs: number;
}

/**
 * Describe a nodemailer error. The relay's SMTP reply (`error.response`) is classified with
 * `classifySmtpReply`; connection-level codes come from a table; anything else is `unknown`.
 */
export function classifySmtpError(error: unknown, context: SmtpErrorContext): ProviderFailure {
  if (ConfigurationError.isInstance(error)) return providerFailure('auth_failed', error.message);
  if (error instanceof SmtpUnsendableError) return providerFailure('invalid_message', error.message);
  if (isAbortError(error)) return providerFailure('timeout', 'the send was aborted', { outcome: 'unknown' });
  if (typeof error !== 'object' || error === null)
    return providerFailure('unknown', 'unrecognised error', { outcome: 'unknown' });
  const { code, response, responseCode, command, message } = error as {
    code?: unknown;
    response?: unknown;
    responseCode?: unknown;
    command?: unknown;
    message?: unknown;
  };
  const safe = (text: string) => scrubSecrets(text, context.secrets);
  const afterData = typeof command === 'string' && AFTER_DATA.has(command.toUpperCase());

  if (typeof response === 'string' && typeof responseCode === 'number' && responseCode >= 400) {
    const reply = classifySmtpReply(response);
    const table = reply.transient ? TRANSIENT : PERMANENT;
    const failureCode =
      table[reply.category] ?? (reply.transient ? 'provider_unavailable' : 'message_rejected');
    return providerFailure(failureCode, safe(`relay replied ${response.trim()} (${reply.category})`), {
      status: responseCode,
      providerCode: reply.enhanced ?? String(responseCode),
      ...(reply.category === 'greylisting' ? { retryAfterMs: context.greylistingRetryAfterMs } : {}),
    });
  }
  const mapped = typeof code === 'string' ? NODEMAILER_CODES[code] : undefined;
  const text = safe(typeof message === 'string' ? message : 'SMTP error');
  if (mapped) {
    const outcome = afterData && (mapped === 'timeout' || mapped === 'network') ? 'unknown' : 'not_sent';
    return providerFailure(mapped, text, { outcome, providerCode: code as string });
  }
  return providerFailure('unknown', text, {
    outcome: 'unknown',
    ...(typeof code === 'string' ? { providerCode: code } : {}),
  });
}

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
