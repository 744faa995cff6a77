/**
 * SendGrid's Signed Event Webhook: ECDSA P-256 / SHA-256 over `timestamp + raw body`
 * (docs/providers/sendgrid.md), and its JSON array of events → DeliveryEvent[].
 */
import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import type {
  DeliveryEvent,
  DeliveryEventType,
  ProviderWebhooks,
  SmtpReplyInfo,
  WebhookRequest,
} from '@mailover/core/provider';
import {
  attemptOf,
  ConfigurationError,
  checkTimestamp,
  hashEventId,
  isRecord,
  readJson,
  reject,
  requireJson,
  requireNonBlank,
  webhookTolerance,
  smtpReplyOf,
  stringOf,
} from '@mailover/core/provider';
import { MAILOVER_ID_ARG } from './mapping.js';
import { lookupTable } from '@mailover/core/provider';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** SendGrid's event names → mailover's. A deferral is `deferred`, never a bounce. */
export const SENDGRID_EVENT_TYPES: Readonly<Record<string, DeliveryEventType>> = lookupTable({
  processed: 'accepted',
  deferred: 'deferred',
  delivered: 'delivered',
  // `type: "bounce"` (hard bounce) and `type: "blocked"` (refused for IP or content) alike.
  bounce: 'bounced',
  dropped: 'dropped',
  spamreport: 'complained',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
  open: 'opened',
  click: 'clicked',
});

export interface SendGridWebhookOptions {
  /** The Signed Event Webhook's verification key: base64 DER, as SendGrid shows it, or PEM. */
  readonly publicKey: string;
  /** Oldest (and furthest future) timestamp accepted, in seconds (finite, ≥ 0). Default: 300. */
  readonly toleranceSeconds?: number;
  /** The provider id put on each event. Default: `'sendgrid'`. */
  readonly providerId?: string;
}

type Json = Record<string, unknown>;

function toKey(publicKey: string): KeyObject {
  requireNonBlank('sendgrid', 'webhookPublicKey', publicKey);
  try {
    if (publicKey.includes('-----BEGIN')) return createPublicKey(publicKey);
    return createPublicKey({ key: Buffer.from(publicKey.trim(), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new ConfigurationError(
      'sendgrid: webhookPublicKey is not a public key. Copy the verification key from Settings → Mail Settings → Signed Event Webhook.',
    );
  }
}

/** The body's events, or undefined when it is not SendGrid's JSON array of objects. */
function readEvents(body: Uint8Array): Json[] | undefined {
  const parsed = readJson(body);
  return Array.isArray(parsed) && parsed.every(isRecord) ? parsed : undefined;
}

/** The SMTP reply an event carries: `response` on deferred/delivered, `reason` + `status` on bounces. */
function smtpOf(event: Json, type: DeliveryEventType): SmtpReplyInfo | undefined {
  const text = stringOf(event.response) ?? stringOf(event.reason);
  // A drop reason ("Bounced Address") is SendGrid's own words, not a server's reply.
  if (!text || (type === 'dropped' && !/^\s*[2-5]\d\d\b/.test(text))) return undefined;
  const status = stringOf(event.status);
  const enhanced =
    status && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) && !/\b[245]\.\d{1,3}\.\d{1,3}\b/.test(text);
  return smtpReplyOf(text, enhanced ? { enhanced: status } : {});
}

/** SendGrid's id is `<X-Message-Id>.filter…`: the part before the first dot is what the send returned. */
function providerMessageIdOf(event: Json): string | undefined {
  const id = stringOf(event.sg_message_id);
  return id?.split('.')[0] || undefined;
}

function toDeliveryEvent(event: Json, provider: string): DeliveryEvent {
  const name = stringOf(event.event) ?? '';
  const type = SENDGRID_EVENT_TYPES[name] ?? 'unknown';
  const seconds = typeof event.timestamp === 'number' ? event.timestamp : Number(event.timestamp);
  const smtp = smtpOf(event, type);
  const providerMessageId = providerMessageIdOf(event);
  const mailoverId = stringOf(event[MAILOVER_ID_ARG]);
  const attempt = attemptOf(event.attempt);
  // Engagement events carry the reader's IP in `ip`; only delivery events carry the sending IP.
  const sendingIp = ['deferred', 'delivered', 'bounced'].includes(type) ? stringOf(event.ip) : undefined;
  return {
    type,
    provider,
    ...(providerMessageId ? { providerMessageId } : {}),
    ...(mailoverId ? { mailoverId } : {}),
    recipient: stringOf(event.email) ?? '',
    time: Number.isFinite(seconds) ? seconds * 1000 : 0,
    ...(smtp ? { smtp } : {}),
    ...(attempt ? { attempt } : {}),
    ...(sendingIp ? { sendingIp } : {}),
    eventId: stringOf(event.sg_event_id) ?? hashEventId(event),
    raw: event,
  };
}

/** Verify and parse SendGrid's Signed Event Webhook. */
export function sendgridWebhooks(options: SendGridWebhookOptions): ProviderWebhooks {
  // Checked when the provider is built: a key that does not parse, or a NaN tolerance (which would
  // let every timestamp through), is a ConfigurationError now, not a failure at the first webhook.
  const key = toKey(options.publicKey);
  const toleranceSeconds = webhookTolerance('sendgrid', options.toleranceSeconds);
  const provider = options.providerId ?? 'sendgrid';

  return {
    async verify(request: WebhookRequest, context) {
      const notJson = requireJson(request.headers);
      if (notJson) return notJson;
      const signature = request.headers.get(SENDGRID_SIGNATURE_HEADER);
      const timestamp = request.headers.get(SENDGRID_TIMESTAMP_HEADER);
      if (!signature || !timestamp) return reject(401, 'missing signature or timestamp header');
      if (!/^\d{1,12}$/.test(timestamp)) return reject(401, 'timestamp header is not a unix time');
      const stale = checkTimestamp(Number(timestamp), context.now(), toleranceSeconds);
      if (stale) return stale;
      let authentic = false;
      try {
        authentic = verifySignature(
          'sha256',
          Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(request.body)]),
          { key, dsaEncoding: 'der' },
          Buffer.from(signature, 'base64'),
        );
      } catch {
        authentic = false;
      }
      if (!authentic) return reject(401, 'signature does not match');
      if (!readEvents(request.body)) return reject(400, 'body is not a JSON array of events');
      return null;
    },

    parse(request: WebhookRequest) {
      // Never throws: verify() already refused what is not a JSON array of event objects.
      return (readEvents(request.body) ?? []).map((event) => toDeliveryEvent(event, provider));
    },
  };
}
