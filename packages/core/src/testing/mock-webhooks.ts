import { timingSafeEqual } from 'node:crypto';
import type { DeliveryEvent, DeliveryEventType } from '../delivery-event.js';
import type { ProviderWebhooks } from '../provider.js';
import { classifySmtpReply } from '../smtp/classify.js';

/** The JSON a mock webhook carries: a list of these. */
export interface MockWebhookEvent {
  /** The normalized event type to produce. */
  readonly type: DeliveryEventType;
  /** The recipient address the event is about. */
  readonly recipient: string;
  /** mailover's message id, for correlation. Default: none. */
  readonly mailoverId?: string;
  /** The provider message id (the mock's is `<id>-<call number>`). Default: none. */
  readonly providerMessageId?: string;
  /** Epoch milliseconds. Default: `Date.now()` when parsed. */
  readonly time?: number;
  /** The SMTP reply; classified with `classifySmtpReply`. */
  readonly smtp?: string;
  /** The provider's delivery attempt number. Default: none. */
  readonly attempt?: number;
  /** The IP the delivery left from (for the greylisting network rule). Default: none. */
  readonly sendingIp?: string;
  /** Dedupe id. Default: built from the other fields. */
  readonly eventId?: string;
}

/**
 * Webhooks for the mock provider: a JSON array of `MockWebhookEvent`, authenticated by an
 * `x-mock-secret` header. For testing the engine's webhook path without a real provider format.
 */
export function mockWebhooks(options: {
  readonly provider: string;
  readonly secret?: string;
}): ProviderWebhooks {
  const secret = Buffer.from(options.secret ?? 'mock-secret');
  return {
    async verify(request) {
      const given = Buffer.from(request.headers.get('x-mock-secret') ?? '');
      if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
        return { status: 401, reason: 'bad x-mock-secret' };
      }
      if (!request.headers.get('content-type')?.includes('json'))
        return { status: 415, reason: 'expected JSON' };
      return null;
    },
    parse(request) {
      const items = JSON.parse(Buffer.from(request.body).toString('utf8')) as MockWebhookEvent[];
      if (!Array.isArray(items)) throw new Error('expected a JSON array');
      return items.map((item, index): DeliveryEvent => {
        const time = item.time ?? Date.now();
        return {
          type: item.type,
          provider: options.provider,
          recipient: item.recipient,
          time,
          eventId:
            item.eventId ??
            `${item.mailoverId ?? item.providerMessageId}:${item.recipient}:${item.type}:${time}:${item.attempt ?? index}`,
          raw: item,
          ...(item.mailoverId ? { mailoverId: item.mailoverId } : {}),
          ...(item.providerMessageId ? { providerMessageId: item.providerMessageId } : {}),
          ...(item.attempt === undefined ? {} : { attempt: item.attempt }),
          ...(item.sendingIp ? { sendingIp: item.sendingIp } : {}),
          ...(item.smtp ? { smtp: { text: item.smtp, classification: classifySmtpReply(item.smtp) } } : {}),
        };
      });
    },
  };
}

/**
 * A webhook request as the mock provider's webhooks expect it: `events` as a JSON array, with the
 * `x-mock-secret` header. Hand it to `mailer.webhooks.handle(providerId, request)`.
 */
export function mockWebhookRequest(
  events: readonly MockWebhookEvent[],
  options: { readonly secret?: string; readonly url?: string } = {},
): Request {
  return new Request(options.url ?? 'http://localhost/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mock-secret': options.secret ?? 'mock-secret' },
    body: JSON.stringify(events),
  });
}
