/**
 * Resend webhooks, signed the Svix way (Resend's "Verify webhooks requests"): `svix-signature`
 * holds space-separated `v1,<base64 HMAC-SHA256>` entries, keyed with the base64 part of the
 * `whsec_` secret, over `<svix-id>.<svix-timestamp>.<raw body>`. One JSON event per POST:
 * `{type, created_at, data: {email_id, to, tags, bounce?, …}}`.
 */
import { createHmac } from 'node:crypto';
import type {
  DeliveryEvent,
  DeliveryEventType,
  ProviderWebhooks,
  WebhookContext,
  WebhookRejection,
  WebhookRequest,
} from '@mailover/core/provider';
import {
  checkTimestamp,
  ConfigurationError,
  isRecord,
  readJson,
  reject,
  requireJson,
  requireNonBlank,
  secretsEqual,
  smtpReplyOf,
  stringOf,
  webhookTolerance,
} from '@mailover/core/provider';
import { MAILOVER_ID_TAG } from './mapping.js';
import { lookupTable } from '@mailover/core/provider';

/** Resend's event types → mailover's. A delayed delivery is a deferral, never a bounce. */
export const RESEND_EVENT_TYPES: Readonly<Record<string, DeliveryEventType>> = lookupTable({
  'email.sent': 'accepted',
  'email.delivered': 'delivered',
  'email.delivery_delayed': 'deferred',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
  'email.opened': 'opened',
  'email.clicked': 'clicked',
  'email.failed': 'dropped',
  'email.suppressed': 'dropped',
});

export interface ResendWebhookOptions {
  /** The webhook's signing secret as the Resend dashboard shows it (`whsec_…`). Required. */
  readonly secret: string;
  /** The provider id put on each event. Default: `'resend'`. */
  readonly providerId?: string;
  /** How old (or how far ahead) `svix-timestamp` may be, in seconds. Default: 300. */
  readonly toleranceSeconds?: number;
}

/** Standard base64, padded or not. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The key bytes of a `whsec_` secret; a ConfigurationError when it is not one. */
function keyOf(secret: string): Buffer {
  const encoded = requireNonBlank('resend', 'webhookSecret', secret).replace(/^whsec_/, '');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16 || !BASE64.test(encoded)) {
    throw new ConfigurationError(
      'resend: webhookSecret is not a Resend signing secret (whsec_ followed by base64). Copy it from the webhook page of the Resend dashboard.',
    );
  }
  return key;
}

/** Verify and parse Resend webhooks; `resend({ webhookSecret })` exposes this as `webhooks`. */
export function resendWebhooks(options: ResendWebhookOptions): ProviderWebhooks {
  const key = keyOf(options.secret);
  const toleranceSeconds = webhookTolerance('resend', options.toleranceSeconds);
  const providerId = options.providerId ?? 'resend';
  return {
    verify: (request, context) => verify(request, context, key, toleranceSeconds),
    parse(request) {
      const event = readJson(request.body);
      return isRecord(event) && isRecord(event.data) ? toDeliveryEvents(event, providerId) : [];
    },
  };
}

async function verify(
  request: WebhookRequest,
  context: WebhookContext,
  key: Buffer,
  toleranceSeconds: number,
): Promise<WebhookRejection | null> {
  const notJson = requireJson(request.headers);
  if (notJson) return notJson;
  const id = request.headers.get('svix-id');
  const timestamp = request.headers.get('svix-timestamp');
  const signatures = request.headers.get('svix-signature');
  if (!id || !timestamp || !signatures)
    return reject(401, 'missing svix-id, svix-timestamp or svix-signature');
  if (!/^\d{1,12}$/.test(timestamp)) return reject(401, 'svix-timestamp is not a unix time');
  const stale = checkTimestamp(Number(timestamp), context.now(), toleranceSeconds);
  if (stale) return stale;
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(request.body)
    .digest('base64');
  // Several signatures while a secret is rotated; any v1 one that matches will do.
  const authentic = signatures
    .split(' ')
    .map((entry) => /^v1,(.+)$/.exec(entry)?.[1])
    .some((given) => given !== undefined && secretsEqual(given, expected));
  if (!authentic) return reject(401, 'signature does not match');
  const event = readJson(request.body);
  if (!isRecord(event) || typeof event.type !== 'string' || !isRecord(event.data))
    return reject(400, 'body is not a Resend event');
  // Svix re-sends a message with the same id: seen once, refused after, across instances.
  const first = await context.rememberOnce(`resend:${id}`, 2 * toleranceSeconds * 1000);
  if (!first) return reject(401, 'svix-id already seen (replay)');
  return null;
}

/**
 * A tag's value. Resend's webhook pages show `tags` as an object (`{"category": "confirm_email"}`);
 * the send API takes them as `[{name, value}]`, and that form is read too, so neither loses the id.
 */
function tagValue(tags: unknown, name: string): string | undefined {
  if (Array.isArray(tags)) {
    const tag = tags.find((entry) => isRecord(entry) && entry.name === name);
    return isRecord(tag) ? stringOf(tag.value) : undefined;
  }
  return isRecord(tags) ? stringOf(tags[name]) : undefined;
}

function toDeliveryEvents(event: Record<string, unknown>, provider: string): DeliveryEvent[] {
  const data = event.data as Record<string, unknown>;
  const type = RESEND_EVENT_TYPES[String(event.type)] ?? 'unknown';
  const mailoverId = tagValue(data.tags, MAILOVER_ID_TAG);
  const providerMessageId = stringOf(data.email_id);
  const time = Date.parse(String(event.created_at ?? data.created_at));
  const bounce = isRecord(data.bounce) ? data.bounce : undefined;
  const delayed = isRecord(data.delivery_delayed) ? data.delivery_delayed : undefined;
  const smtp = smtpReplyOf(stringOf(bounce?.message) ?? stringOf(delayed?.message));
  const recipients = (Array.isArray(data.to) ? data.to : [data.to]).filter(
    (entry): entry is string => typeof entry === 'string',
  );
  return recipients.map((recipient) => ({
    type,
    provider,
    ...(providerMessageId ? { providerMessageId } : {}),
    ...(mailoverId ? { mailoverId } : {}),
    recipient,
    time: Number.isNaN(time) ? 0 : time,
    ...(smtp && (type === 'bounced' || type === 'deferred') ? { smtp } : {}),
    eventId: `resend:${providerMessageId ?? ''}:${String(event.type)}:${recipient}:${String(event.created_at ?? '')}`,
    raw: event,
  }));
}
