/**
 * What the engine does with verified webhook events: dedupe, attribute, record, act.
 *
 * A valid signature proves who sent an event (SendGrid, SNS, Mailgun…), not that what it says is
 * about mail we sent through that provider. So an event changes nothing until it is *attributed*:
 * the message it names exists, the provider it came through is the one that sent that message to
 * that recipient (the accepting provider, or the fixed-IP provider of a greylisting re-send), and
 * the recipient is one of the message's own. Everything after that — history, state, greylisting
 * evidence, domain memory — uses the stored message's values, never the event's.
 * docs/security.md, "What an authentic event may change".
 */
import type { DeliveryEvent } from '../delivery-event.js';
import type { IngestCounts } from '../webhooks/handler.js';
import type { GreylistGuard } from '../greylisting/guard.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { MailerEmitter } from './events.js';
import type { MessageRecord, Tracker } from './tracking.js';

export interface IngestDependencies {
  readonly store: Store;
  readonly tracker: Tracker;
  readonly emitter: MailerEmitter;
  readonly guard: GreylistGuard | undefined;
  readonly retentionMs: number;
  /** Learn suppressions from an attributed event (docs/suppression.md); undefined: turned off. */
  readonly learn:
    | ((event: DeliveryEvent, recipient: string, stream: string | undefined) => Promise<void>)
    | undefined;
}

/** An event tied to a stored message: the recipients it is about, in the message's own spelling. */
interface Attribution {
  readonly id: string;
  readonly recipients: readonly string[];
  readonly stream?: string | undefined;
}

export function createIngest(dependencies: IngestDependencies) {
  const { store, tracker, emitter, guard, retentionMs, learn } = dependencies;

  /**
   * The (message, recipients) an event may change, or undefined. An event without a recipient
   * (some providers' records have none) is about every recipient its provider sent the message to.
   */
  async function attribute(event: DeliveryEvent): Promise<Attribution | undefined> {
    const id = await tracker.correlate(event);
    if (!id) return undefined;
    const record = await tracker.record(id);
    if (!record) return undefined;
    const { stream } = record;
    if (!event.recipient) {
      return event.provider === record.provider ? { id, recipients: record.recipients, stream } : undefined;
    }
    const recipient = recipientOf(record, event.recipient);
    if (!recipient) return undefined;
    if (event.provider === record.provider) return { id, recipients: [recipient], stream };
    // Another provider only for the recipient it re-sent to (a greylisting failover).
    return (await tracker.resentBy(id, recipient)) === event.provider
      ? { id, recipients: [recipient], stream }
      : undefined;
  }

  return async function ingest(events: readonly DeliveryEvent[]): Promise<IngestCounts> {
    let stored = 0;
    let duplicates = 0;
    let unmatched = 0;
    for (const event of events) {
      const dedupeKey = storeKeys.event(event.provider, event.eventId);
      if (!(await store.claim(dedupeKey, '1', retentionMs))) {
        duplicates += 1;
        continue;
      }
      try {
        const attribution = await attribute(event);
        if (!attribution) {
          unmatched += 1;
          emitter.emit('delivery', event);
          continue;
        }
        const { id } = attribution;
        for (const recipient of attribution.recipients) {
          const attributed = recipient === event.recipient ? event : { ...event, recipient };
          await tracker.appendHistory(id, tracker.historyEntryFor(attributed));
          emitter.emit('delivery', { ...attributed, id });
          if (guard?.isEvidence(attributed)) await guard.onDeferred(id, attributed);
          await learn?.(attributed, recipient, attribution.stream);
        }
        stored += 1;
      } catch (error) {
        await store.delete(dedupeKey).catch(() => {});
        throw error;
      }
    }
    return { stored, duplicates, unmatched };
  };
}

/** The message's own spelling of `address`, when it is one of its recipients (case-insensitively). */
export function recipientOf(record: MessageRecord, address: string): string | undefined {
  const wanted = address.toLowerCase();
  for (const recipient of record.recipients) if (recipient.toLowerCase() === wanted) return recipient;
  return undefined;
}
