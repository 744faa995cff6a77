/** The fourteen categories of SMTP replies (docs/failure-taxonomy.md, "SMTP replies"). */
export const SMTP_REPLY_CATEGORIES = [
  'greylisting',
  'rate_limit',
  'mailbox_full',
  'mailbox_busy',
  'policy_reputation',
  'dns',
  'connection',
  'server_busy',
  'auth_required',
  'recipient_unknown',
  'content_rejected',
  'blocklisted',
  'other_transient',
  'other_permanent',
] as const;

export type SmtpReplyCategory = (typeof SMTP_REPLY_CATEGORIES)[number];

/** What `classifySmtpReply` tells about one reply. */
export interface SmtpReplyClassification {
  /** The basic reply code (`450`), or 0 when the text carried none. */
  readonly basic: number;
  /** The RFC 3463 enhanced status code (`4.2.0`), when present. */
  readonly enhanced?: string;
  readonly category: SmtpReplyCategory;
  /** Whether a sender should retry later. */
  readonly transient: boolean;
  /** The reply's text without codes, continuation lines joined by a space. */
  readonly text: string;
  /** One plain-language sentence: what the reply means. */
  readonly explanation: string;
  /** One plain-language sentence: what the sender should do. */
  readonly advice: string;
}
