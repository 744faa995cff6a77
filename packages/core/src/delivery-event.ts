import type { SmtpReplyClassification } from './smtp/types.js';

/** Every normalized delivery event type. A deferral is `deferred`, never `bounced`. */
export const DELIVERY_EVENT_TYPES = [
  'accepted',
  'deferred',
  'delivered',
  'bounced',
  'dropped',
  'complained',
  'unsubscribed',
  'opened',
  'clicked',
  'unknown',
] as const;

/** One of {@link DELIVERY_EVENT_TYPES}. */
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** The SMTP reply a recipient server gave, as carried by a provider's event. */
export interface SmtpReplyInfo {
  /** The basic reply code (`450`), when the provider gives it. */
  readonly basic?: number;
  /** The RFC 3463 enhanced status code (`4.2.0`), when present. */
  readonly enhanced?: string;
  /** The reply text as the provider reported it. */
  readonly text: string;
  /** What `classifySmtpReply` makes of the reply (category, transient). */
  readonly classification: SmtpReplyClassification;
}

/** One normalized delivery event from a provider webhook (docs/failure-taxonomy.md, "Delivery events"). */
export interface DeliveryEvent {
  /** What happened to the recipient. */
  readonly type: DeliveryEventType;
  /** The provider id (`ProviderV1.id`) the event came through. */
  readonly provider: string;
  /** The provider's id for the message, as returned by its send call. */
  readonly providerMessageId?: string;
  /** mailover's message id, from the metadata attached at send time. */
  readonly mailoverId?: string;
  /** The recipient address the event is about. */
  readonly recipient: string;
  /** When it happened, in epoch milliseconds. */
  readonly time: number;
  /** The recipient server's SMTP reply, for deferrals, bounces and deliveries when the provider gives it. */
  readonly smtp?: SmtpReplyInfo;
  /** The provider's delivery attempt number, when it says. */
  readonly attempt?: number;
  /** The IP the provider sent from, when it says. */
  readonly sendingIp?: string;
  /** A stable id for deduplication (the provider's event id, or a hash of the raw event). */
  readonly eventId: string;
  /** The provider's own event, unchanged. */
  readonly raw: unknown;
}
