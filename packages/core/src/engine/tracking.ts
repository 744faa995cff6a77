import type { DeliveryEvent, DeliveryEventType } from '../delivery-event.js';
import type { HistoryEntry } from '../history.js';
import type { Attachment, NormalizedMessage } from '../message/types.js';
import { type ObjectValues, objectValues } from '../store/memory-store.js';
import type { GreylistRecords } from '../greylisting/ports.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';

/** Where one recipient stands. Later states never regress to earlier ones on out-of-order events. */
export type RecipientState =
  | 'accepted'
  | 'deferred'
  | 'failed_over'
  | 'delivered'
  | 'bounced'
  | 'dropped'
  | 'complained';

const STATE_RANK: Record<RecipientState, number> = {
  accepted: 0,
  deferred: 1,
  failed_over: 2,
  delivered: 3,
  bounced: 3,
  dropped: 3,
  complained: 4,
};

const EVENT_STATE: Partial<Record<DeliveryEventType, RecipientState>> = {
  accepted: 'accepted',
  deferred: 'deferred',
  delivered: 'delivered',
  bounced: 'bounced',
  dropped: 'dropped',
  complained: 'complained',
};

export type { HistoryEntry } from '../history.js';

export interface RecipientStatus {
  readonly state: RecipientState;
  readonly provider: string;
  readonly updatedAt: number;
}

/** What `mailer.status(id)` returns. */
export interface MessageStatus {
  readonly id: string;
  readonly messageId: string;
  /** The provider that accepted the message first. */
  readonly provider: string;
  readonly providerMessageId: string;
  readonly acceptedAt: number;
  readonly recipients: Readonly<Record<string, RecipientStatus>>;
  readonly history: readonly HistoryEntry[];
}

/** A message as stored: enough to report status and to re-send it through another provider. */
export interface MessageRecord {
  readonly id: string;
  readonly messageId: string;
  readonly provider: string;
  readonly providerMessageId: string;
  readonly acceptedAt: number;
  readonly recipients: readonly string[];
  /** The stream it was sent in (`SendOptions.stream`): an unsubscribe is from that stream. */
  readonly stream?: string;
  /**
   * The message itself, kept only when a re-send may be needed: as it is in the in-memory store,
   * as JSON with attachments in base64 in any other.
   */
  readonly content?: StoredMessage | NormalizedMessage;
}

type StoredMessage = Omit<NormalizedMessage, 'attachments'> & {
  readonly attachments: readonly (Omit<Attachment, 'content'> & { readonly content: string })[];
};

export function toStoredMessage(message: NormalizedMessage): StoredMessage {
  return {
    ...message,
    attachments: message.attachments.map((attachment) => ({
      ...attachment,
      content: Buffer.from(attachment.content).toString('base64'),
    })),
  };
}

/** Kept as it was (the in-memory store): its attachments are still bytes. */
function keptAsIs(stored: StoredMessage | NormalizedMessage): stored is NormalizedMessage {
  return stored.attachments.every((attachment) => typeof attachment.content !== 'string');
}

export function fromStoredMessage(stored: StoredMessage | NormalizedMessage): NormalizedMessage {
  if (keptAsIs(stored)) return stored;
  return {
    ...stored,
    attachments: stored.attachments.map((attachment) => ({
      ...attachment,
      content: new Uint8Array(Buffer.from(attachment.content, 'base64')),
    })),
  };
}

/**
 * `text`, flattened: strings built by templates and slices (the Message-ID, checked addresses) are
 * ropes that hold on to their pieces and to the input they were cut from. Kept for days in the
 * memory store as they are, they cost 1 406 bytes a record instead of about 900 (bench/memory). Reading a
 * character makes V8 flatten the rope in place.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** Records messages and their delivery history in the Store; answers `status(id)`. */
export class Tracker implements GreylistRecords {
  /** Set when the store is the built-in in-memory one: records are kept as objects, not JSON. */
  private readonly objects: ObjectValues | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {
    this.objects = (store as { [objectValues]?: ObjectValues })[objectValues];
  }

  /**
   * Record an accepted message. Resolves when it is stored; undefined when it already is (the
   * in-memory store, one write): the common send then awaits nothing more.
   */
  recordAccepted(
    message: NormalizedMessage,
    provider: string,
    providerMessageId: string,
    keepContent: boolean,
    /** Index the provider's message id too, for events that do not carry the mailover id. */
    indexProviderMessageId = true,
  ): Promise<unknown> | undefined {
    const recipients: string[] = [];
    for (const address of message.to) recipients.push(flat(address.address));
    for (const address of message.cc) recipients.push(flat(address.address));
    for (const address of message.bcc) recipients.push(flat(address.address));
    // Set, not spread: conditional spreads cost a temporary object each on every send.
    const record: { -readonly [Key in keyof MessageRecord]: MessageRecord[Key] } = {
      id: flat(message.id), // crypto.randomUUID() builds it by concatenation, too
      messageId: flat(message.messageId),
      provider,
      providerMessageId: flat(providerMessageId),
      acceptedAt: this.clock.now(),
      recipients: Object.freeze(recipients),
    };
    if (message.suppression?.stream) record.stream = message.suppression.stream;
    // No base64 copy where the record stays an object: the normalized message is frozen.
    if (keepContent) record.content = this.objects ? message : toStoredMessage(message);
    // The history's first line (accepted by `provider`) is derived from the record in `status()`.
    const key = storeKeys.message(message.id);
    let written: Promise<void> | undefined;
    if (this.objects) this.objects.set(key, Object.freeze(record), this.retentionMs);
    else written = this.store.set(key, JSON.stringify(record), this.retentionMs);
    if (!indexProviderMessageId) return written;
    const indexed = this.store.set(
      storeKeys.providerMessage(provider, providerMessageId),
      message.id,
      this.retentionMs,
    );
    return written ? Promise.all([written, indexed]) : indexed;
  }

  async record(id: string): Promise<MessageRecord | undefined> {
    if (this.objects) return this.objects.get(storeKeys.message(id)) as MessageRecord | undefined;
    const raw = await this.store.get(storeKeys.message(id));
    return raw === undefined ? undefined : (JSON.parse(raw) as MessageRecord);
  }

  /** Which message an event belongs to: its mailover id, else the provider-message-id index. */
  async correlate(event: DeliveryEvent): Promise<string | undefined> {
    if (event.mailoverId) return event.mailoverId;
    if (!event.providerMessageId) return undefined;
    return this.store.get(storeKeys.providerMessage(event.provider, event.providerMessageId));
  }

  /** The provider that re-sent message `id` to `recipient` (a greylisting failover), if any. */
  resentBy(id: string, recipient: string): Promise<string | undefined> {
    return this.store.get(storeKeys.resent(id, recipient));
  }

  /** Remember that `provider` re-sent message `id` to `recipient`: its events for them now count. */
  async markResent(
    id: string,
    recipient: string,
    provider: string,
    providerMessageId: string,
  ): Promise<void> {
    await this.store.set(storeKeys.resent(id, recipient), provider, this.retentionMs);
    await this.store.set(storeKeys.providerMessage(provider, providerMessageId), id, this.retentionMs);
  }

  async resendable(
    id: string,
  ): Promise<{ recipients: readonly string[]; message?: NormalizedMessage } | undefined> {
    const record = await this.record(id);
    if (!record) return undefined;
    return record.content
      ? { recipients: record.recipients, message: fromStoredMessage(record.content) }
      : { recipients: record.recipients };
  }

  async recipientState(id: string, recipient: string): Promise<RecipientState | undefined> {
    const status = await this.status(id);
    if (!status) return undefined;
    const wanted = recipient.toLowerCase();
    for (const [address, entry] of Object.entries(status.recipients)) {
      if (address.toLowerCase() === wanted) return entry.state;
    }
    return undefined;
  }

  appendHistory(id: string, entry: HistoryEntry): Promise<number> {
    return this.store.append(storeKeys.history(id), JSON.stringify(entry), this.retentionMs);
  }

  historyEntryFor(event: DeliveryEvent): HistoryEntry {
    return {
      time: event.time,
      type: event.type,
      provider: event.provider,
      recipient: event.recipient,
      ...(event.smtp
        ? {
            smtp: {
              text: event.smtp.text,
              // A 2xx reply classifies as `accepted`: the category is always the classifier's.
              category: event.smtp.classification.category,

              ...(event.smtp.enhanced ? { enhanced: event.smtp.enhanced } : {}),
            },
          }
        : {}),
      ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
      ...(event.sendingIp === undefined ? {} : { sendingIp: event.sendingIp }),
    };
  }

  async status(id: string): Promise<MessageStatus | undefined> {
    const [record, rawHistory] = await Promise.all([this.record(id), this.store.list(storeKeys.history(id))]);
    if (!record) return undefined;
    // Acceptance first (even when a fast webhook arrived before send() recorded it), then what
    // arrived, in arrival order: provider clocks (SendGrid's are whole seconds) must not reorder it.
    const history: HistoryEntry[] = [
      { time: record.acceptedAt, type: 'accepted', provider: record.provider },
      ...rawHistory.map((line) => JSON.parse(line) as HistoryEntry),
    ];

    // Keyed by addresses that came from outside: no prototype, so `__proto__` is just an address.
    const recipients: Record<string, RecipientStatus> = Object.create(null);
    const byLowerCase = new Map<string, string>();
    for (const address of record.recipients) {
      recipients[address] = { state: 'accepted', provider: record.provider, updatedAt: record.acceptedAt };
      byLowerCase.set(address.toLowerCase(), address);
    }
    for (const entry of history) {
      const state =
        entry.type === 'failover-sent' ? 'failed_over' : EVENT_STATE[entry.type as DeliveryEventType];
      if (!state || !entry.recipient) continue;
      // History holds attributed events only, so every recipient is one of the message's own.
      const key = byLowerCase.get(entry.recipient.toLowerCase());
      if (key === undefined) continue;
      const current = recipients[key]!;
      // States only move forward, so out-of-order and late events (the first provider still
      // deferring after a failover) never undo a later outcome.
      if (STATE_RANK[state] >= STATE_RANK[current.state]) {
        recipients[key] = { state, provider: entry.provider, updatedAt: entry.time };
      }
    }
    return {
      id: record.id,
      messageId: record.messageId,
      provider: record.provider,
      providerMessageId: record.providerMessageId,
      acceptedAt: record.acceptedAt,
      recipients,
      history,
    };
  }
}
