/**
 * What a delivery event teaches the suppression list, decided from the event alone (pure), and the
 * step ingest calls for events attributed to a stored message (docs/security.md: only those may
 * change state). docs/suppression.md, "What is learned".
 *
 * A bounce suppresses only when the recipient's server said the *recipient* is the problem: the
 * SMTP classifier's `recipient_unknown` (no such user, mailbox disabled). A bounce about the sender
 * — blocklisted, policy or reputation, content, authentication — says nothing about the recipient
 * and never suppresses; neither does a deferral. A bounce for a passing reason the provider gave up
 * on (mailbox full, a DNS failure) suppresses for a while: a soft bounce.
 */
import type { DeliveryEvent } from '../delivery-event.js';
import type { SmtpReplyCategory, SmtpReplyClassification } from '../smtp/types.js';
import type { SuppressionList } from './list.js';
import { EVERY_STREAM, type SuppressionReason } from './types.js';

/** Categories that say the mailbox itself is gone. */
const RECIPIENT_GONE: ReadonlySet<SmtpReplyCategory> = new Set(['recipient_unknown']);

/** Categories about the recipient's mailbox or domain that may pass: a soft bounce once a provider gives up. */
const RECIPIENT_PASSING: ReadonlySet<SmtpReplyCategory> = new Set(['mailbox_full', 'mailbox_busy', 'dns']);

/** The reason an event suppresses its recipient, or undefined when it must not. */
export function suppressionReasonFor(event: DeliveryEvent): SuppressionReason | undefined {
  switch (event.type) {
    case 'complained':
      return 'complaint';
    case 'unsubscribed':
      return 'unsubscribe';
    case 'bounced':
      // No reply: whose fault it was is unknown.
      return event.smtp ? reasonForBounce(event.smtp.classification) : undefined;
    default:
      return undefined;
  }
}

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

/**
 * Learn from one attributed event: `recipient` is the message's own spelling of the address, and
 * `stream` the stream the message was sent in (an unsubscribe is from that stream only).
 */
export async function learnFrom(
  list: SuppressionList,
  event: DeliveryEvent,
  recipient: string,
  stream: string | undefined,
): Promise<void> {
  const reason = suppressionReasonFor(event);
  if (!reason) return;
  await list.learn({
    address: recipient,
    reason,
    scope: reason === 'unsubscribe' && stream ? stream : EVERY_STREAM,
    since: event.time,
    provider: event.provider,
    event: event.eventId,
  });
}
