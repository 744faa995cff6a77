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
import type { SuppressionList } from './list.js';
import { reasonForBounce } from './reasons.js';
import { EVERY_STREAM, type SuppressionReason } from './types.js';

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
