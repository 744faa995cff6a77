/**
 * How a bounce's classified reply maps to a suppression reason: the engine learns with it, and
 * adapters use it to import providers' bounce lists (docs/suppression.md, "Learned from events").
 */
import type { SmtpReplyCategory, SmtpReplyClassification } from '../smtp/types.js';
import type { SuppressionReason } from './types.js';

/** Categories that say the mailbox itself is gone. */
const RECIPIENT_GONE: ReadonlySet<SmtpReplyCategory> = new Set(['recipient_unknown']);

/** Categories about the recipient's mailbox or domain that may pass: a soft bounce once a provider gives up. */
const RECIPIENT_PASSING: ReadonlySet<SmtpReplyCategory> = new Set(['mailbox_full', 'mailbox_busy', 'dns']);

/**
 * What a bounce (the provider gave up) with this classified reply suppresses: `hard_bounce` when
 * the mailbox is gone, `soft_bounce` when it may come back, undefined when the reply is about the
 * sender or says nothing about the recipient. Also used to import providers' bounce lists.
 */
export function reasonForBounce(classification: SmtpReplyClassification): SuppressionReason | undefined {
  const { category } = classification;
  if (RECIPIENT_GONE.has(category)) return classification.transient ? 'soft_bounce' : 'hard_bounce';
  return RECIPIENT_PASSING.has(category) ? 'soft_bounce' : undefined;
}
