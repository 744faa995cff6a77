/** What a send reports: every call made, and the acceptance. Shared by the engine and its errors. */
import type { FailureCode, SendOutcome } from './failures.js';

/** One call to one provider, as reported in results, errors and events. */
export interface SendAttempt {
  /** Provider id. */
  readonly provider: string;
  /** 1 for the first call to this provider for this message, 2 for its retry, … */
  readonly attempt: number;
  /** `'ok'` when accepted, else the failure code. */
  readonly code: 'ok' | FailureCode;
  /** For failures: whether the provider may have accepted anyway. */
  readonly outcome?: SendOutcome;
  /** Secret-free description of the failure. */
  readonly message?: string;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterMs?: number;
  readonly startedAt: number;
  readonly durationMs: number;
}

/** A recipient a send left out because the suppression list holds it (docs/suppression.md). */
export interface SuppressedRecipient {
  /** The recipient, as the message spelt it. */
  readonly address: string;
  /** Why it is suppressed (`hard_bounce`, `soft_bounce`, `complaint`, `unsubscribe`, `manual`). */
  readonly reason: string;
  /** Since when, epoch ms. */
  readonly since: number;
  /** The scope that matched: `'*'` or the message's stream. */
  readonly scope: string;
}

/**
 * A recipient the accepting provider refused at send time (an SMTP relay's `RCPT TO` reply) while
 * it took the message for the others (docs/failure-taxonomy.md, "Recipients refused at send time").
 */
export interface RejectedRecipient {
  /** The recipient, as the message spelt it. */
  readonly address: string;
  /** The server's reply, secret-free, at most 300 characters. */
  readonly reply: string;
  /** What `classifySmtpReply` makes of the reply (`recipient_unknown`, `greylisting`, …). */
  readonly category: string;
  /** True when the server may take it later: nobody re-sends it for you (the message was not queued for this recipient). */
  readonly transient: boolean;
}

/** What `mailer.send()` resolves to: the message was accepted by `provider`. */
export interface SendResult {
  /** mailover's id for the message. */
  readonly id: string;
  /** The RFC 5322 Message-ID every attempt carried. */
  readonly messageId: string;
  /** The id of the provider that accepted. */
  readonly provider: string;
  /** That provider's id for the message. */
  readonly providerMessageId: string;
  /** Every call made, in order, the accepting one last. */
  readonly attempts: readonly SendAttempt[];
  /** True when an earlier attempt ended with outcome `unknown`: the message may arrive twice. */
  readonly possibleDuplicate: boolean;
  /**
   * True when no provider was called: an earlier send with the same `idempotencyKey` did, and this
   * is its result (docs/idempotency.md). Absent on a send that called a provider.
   */
  readonly replayed?: boolean;
  /** Recipients left out because they are suppressed; absent when none was. */
  readonly suppressed?: readonly SuppressedRecipient[];
  /** Recipients the accepting provider refused while it took the others; absent when none was. */
  readonly rejected?: readonly RejectedRecipient[];
}
