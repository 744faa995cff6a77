/**
 * What the web view shows, as it happens: every API call with its answer or fault, every accepted
 * copy, every webhook POSTed, every fault change. Bounded (the oldest events go first) and
 * observable (the SSE stream subscribes). The sandbox sees only provider-side facts; the view
 * correlates them by Message-ID (docs/sandbox-view.md).
 */
import type { AcceptedMessage, FaultKind, SandboxEventSpec, SandboxProviderKind } from '../types.js';

/** How a provider API call ended. */
export type CallOutcome =
  | 'answered' // an HTTP answer (2xx or an error), as rendered by the provider simulator
  | 'hang' // never answered
  | 'reset' // socket destroyed, no answer
  | 'accept_then_reset' // the message was accepted, then the socket destroyed
  | 'accept_then_hang'; // the message was accepted, then no answer

interface EventBase {
  /** Increasing number, unique for the sandbox's life. */
  readonly seq: number;
  /** Epoch ms. */
  readonly time: number;
}

/** One request to a provider API. */
export interface CallEvent extends EventBase {
  readonly type: 'call';
  readonly provider: SandboxProviderKind;
  readonly method: string;
  /** The path after the provider prefix, without the query. */
  readonly path: string;
  /** The Message-ID header the request carried, when one was found. */
  readonly messageId?: string;
  readonly outcome: CallOutcome;
  /** The HTTP status answered (absent when none was). */
  readonly status?: number;
  /** The injected fault, when one was. */
  readonly fault?: FaultKind;
  /** The Retry-After the answer carried, seconds. */
  readonly retryAfterSeconds?: number;
  /** The view id of the copy this request made the provider accept. */
  readonly acceptedId?: number;
  /** How long the sandbox took to answer, ms. */
  readonly durationMs: number;
}

/** A copy of a message a provider accepted. */
export interface AcceptedEvent extends EventBase {
  readonly type: 'accepted';
  readonly provider: SandboxProviderKind;
  /** The view id (`/_sandbox/messages/:id`). */
  readonly id: number;
  readonly providerMessageId: string;
  readonly messageId?: string;
  readonly subject: string;
  readonly recipients: readonly string[];
}

/** One webhook POST the sandbox made (after its retries). */
export interface WebhookEvent extends EventBase {
  readonly type: 'webhook';
  readonly provider: SandboxProviderKind;
  readonly event: SandboxEventSpec['type'];
  readonly recipient: string;
  /** The view id of the accepted copy it reports on. */
  readonly id?: number;
  readonly providerMessageId: string;
  readonly messageId?: string;
  /** Where it was POSTed: origin and path only (userinfo and query are dropped). */
  readonly url: string;
  /** The final HTTP status, 0 when the endpoint could not be reached. */
  readonly status: number;
  readonly tries: number;
  readonly smtpReply?: string;
  readonly attempt?: number;
  readonly sendingIp?: string;
}

/** A fault was set, queued or cleared (provider absent: all cleared). */
export interface FaultsEvent extends EventBase {
  readonly type: 'faults';
  readonly provider?: SandboxProviderKind;
}

/** Messages and counts were forgotten. */
export interface ResetEvent extends EventBase {
  readonly type: 'reset';
}

export type JournalEvent = CallEvent | AcceptedEvent | WebhookEvent | FaultsEvent | ResetEvent;

/** Spread-friendly event shapes without `seq` and `time`. */
type Draft<T> = T extends JournalEvent ? Omit<T, 'seq' | 'time'> & { time?: number } : never;

export class Journal {
  /** A ring: `count` events from `start`, oldest first. */
  private readonly ring: (JournalEvent | undefined)[] = [];
  private start = 0;
  private count = 0;
  private readonly listeners = new Set<(event: JournalEvent) => void>();
  private readonly byId = new Map<number, AcceptedMessage>();
  private readonly ids = new WeakMap<AcceptedMessage, number>();
  private seq = 0;
  private nextId = 1;

  /** `maxEvents`: how many events are kept; older ones are dropped first. */
  constructor(readonly maxEvents: number) {}

  /** Record an event and tell every subscriber. */
  record(draft: Draft<JournalEvent>): JournalEvent {
    const event = { ...draft, seq: ++this.seq, time: draft.time ?? Date.now() } as JournalEvent;
    if (this.count < this.maxEvents) {
      this.ring[(this.start + this.count) % this.maxEvents] = event;
      this.count += 1;
    } else {
      this.ring[this.start] = event; // overwrite the oldest
      this.start = (this.start + 1) % this.maxEvents;
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Give an accepted copy its view id and record it. */
  accepted(message: AcceptedMessage): number {
    const id = this.nextId++;
    this.byId.set(id, message);
    this.ids.set(message, id);
    this.record({
      type: 'accepted',
      provider: message.provider,
      id,
      providerMessageId: message.providerMessageId,
      ...(message.messageId ? { messageId: message.messageId } : {}),
      subject: message.subject,
      recipients: [...message.to, ...message.cc, ...message.bcc].map((address) => address.address),
      time: message.receivedAt,
    });
    return id;
  }

  /** Record a webhook POST the dispatcher made. */
  webhook(delivery: {
    readonly provider: SandboxProviderKind;
    readonly url: string;
    readonly status: number;
    readonly tries: number;
    readonly event: SandboxEventSpec;
  }): void {
    const { event } = delivery;
    const id = this.ids.get(event.message);
    this.record({
      type: 'webhook',
      provider: delivery.provider,
      event: event.type,
      recipient: event.recipient,
      ...(id === undefined ? {} : { id }),
      providerMessageId: event.message.providerMessageId,
      ...(event.message.messageId ? { messageId: event.message.messageId } : {}),
      url: redactUrl(delivery.url),
      status: delivery.status,
      tries: delivery.tries,
      ...(event.smtpReply ? { smtpReply: event.smtpReply } : {}),
      ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
      ...(event.sendingIp ? { sendingIp: event.sendingIp } : {}),
    });
  }

  /** The accepted copy with this view id. */
  message(id: number): AcceptedMessage | undefined {
    return this.byId.get(id);
  }

  /** Every accepted copy still known, with its view id, oldest first. */
  messages(): { id: number; message: AcceptedMessage }[] {
    return [...this.byId].map(([id, message]) => ({ id, message }));
  }

  /** The view id of an accepted copy. */
  idOf(message: AcceptedMessage): number | undefined {
    return this.ids.get(message);
  }

  /** Events kept, oldest first (a copy). */
  all(): JournalEvent[] {
    const events: JournalEvent[] = new Array(this.count);
    for (let index = 0; index < this.count; index++)
      events[index] = this.ring[(this.start + index) % this.maxEvents]!;
    return events;
  }

  /** Every kept event about this Message-ID (or, without one, about this one copy). */
  about(message: AcceptedMessage): JournalEvent[] {
    const id = this.ids.get(message);
    return this.all().filter((event) => {
      if (event.type === 'faults' || event.type === 'reset') return false;
      if (message.messageId) return event.messageId === message.messageId;
      if (event.type === 'call') return id !== undefined && event.acceptedId === id;
      return event.id === id;
    });
  }

  subscribe(listener: (event: JournalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forget accepted copies and events (the sequence keeps counting). */
  reset(): void {
    this.byId.clear();
    this.ring.length = 0;
    this.start = 0;
    this.count = 0;
    this.record({ type: 'reset' });
  }
}

/** A URL for display: origin and path; credentials in userinfo and the query never leave. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
