import type { SmtpReplyClassification } from './smtp/types.js';

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

export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** The SMTP reply a recipient server gave, as carried by a provider's event. */
export interface SmtpReplyInfo {
  readonly basic?: number;
  readonly enhanced?: string;
  readonly text: string;
  readonly classification: SmtpReplyClassification;
}

/** One normalized delivery event from a provider webhook (DESIGN.md §4). */
export interface DeliveryEvent {
  readonly type: DeliveryEventType;
  /** The provider id (`ProviderV1.id`) the event came through. */
  readonly provider: string;
  readonly providerMessageId?: string;
  /** mailover's message id, from the metadata attached at send time. */
  readonly mailoverId?: string;
  readonly recipient: string;
  /** When it happened, in epoch milliseconds. */
  readonly time: number;
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
