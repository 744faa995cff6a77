/**
 * The categories of SMTP replies: `accepted` for a 2xx, then the fourteen failure categories
 * (docs/failure-taxonomy.md, "SMTP replies"); docs/smtp-labelling-guide.md says how neighbouring
 * ones are told apart.
 */
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
  'accepted',
] as const;

export type SmtpReplyCategory = (typeof SMTP_REPLY_CATEGORIES)[number];

/** What `classifySmtpReply` tells about one reply. */
export interface SmtpReplyClassification {
  /** The basic reply code (`450`), or 0 when the text carried none. */
  readonly basic: number;
  /** The RFC 3463 enhanced status code (`4.2.0`), when present. */
  readonly enhanced?: string;
  /** What the reply means for the sender; `accepted` for a 2xx. */
  readonly category: SmtpReplyCategory;
  /** Whether a sender should retry later (false for a 2xx: there is nothing to retry). */
  readonly transient: boolean;
  /** The reply's text without codes, continuation lines joined by a space. */
  readonly text: string;
  /** One plain-language sentence: what the reply means. */
  readonly explanation: string;
  /** One plain-language sentence: what the sender should do. */
  readonly advice: string;
  /** The delay the server asks for before a retry, in ms, when the text states one ("try again in 5 minutes"). */
  readonly retryAfterMs?: number;
  /** The receiving system, when the reply identifies it (`Microsoft 365 / Outlook.com`, `Gmail`, `Mimecast`…). */
  readonly system?: string;
  /** The blocklist the reply names (`Spamhaus ZEN`, `SpamCop`, `Barracuda BRBL`…). */
  readonly blocklist?: string;
}
