/**
 * What SendGrid's Signed Event Webhook POSTs: a JSON array of events (each followed by CRLF, as in
 * SendGrid's own signed samples), signed with ECDSA P-256 / SHA-256 over `timestamp + body`.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { BuiltWebhook, SandboxEventSpec } from '../types.js';

/** A key pair for signing: `publicKey` is base64 DER (SPKI), as SendGrid's settings page shows it. */
export interface SendGridWebhookKeys {
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

export interface SendGridWebhookBuildOptions {
  /** The signature timestamp, epoch seconds. Default: now. */
  readonly timestamp?: number;
}

/** A fresh P-256 key pair to sign sandbox webhooks with. */
export function generateSendGridWebhookKeys(): SendGridWebhookKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
}

const SENDGRID_EVENT_NAMES: Readonly<Record<SandboxEventSpec['type'], string>> = {
  delivered: 'delivered',
  deferred: 'deferred',
  bounced: 'bounce',
  dropped: 'dropped',
};

/** SendGrid's ids are URL-safe base64 of random bytes. */
const sendgridId = (bytes: number) => randomBytes(bytes).toString('base64url');

function enhancedCode(reply: string | undefined): string | undefined {
  return reply ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] : undefined;
}

/** One event as SendGrid writes it; custom_args come back as top-level keys. */
function toSendGridEvent(spec: SandboxEventSpec): Record<string, unknown> {
  const { message } = spec;
  const event: Record<string, unknown> = {
    ...message.metadata,
    email: spec.recipient,
    timestamp: Math.floor(spec.time / 1000),
    'smtp-id': message.messageId ?? `<${message.providerMessageId}@ismtpd0001p1sandbox.sendgrid.net>`,
    event: SENDGRID_EVENT_NAMES[spec.type],
    ...(message.tags.length > 0 ? { category: [...message.tags] } : {}),
    sg_event_id: sendgridId(36),
    sg_message_id: `${message.providerMessageId}.filterdrecv-sandbox-0-${sendgridId(6)}-0.0`,
  };
  if (spec.type === 'deferred') {
    Object.assign(event, {
      response: spec.smtpReply ?? '451 4.3.0 Temporary failure, try again later',
      // SendGrid sends the attempt number as a string.
      attempt: String(spec.attempt ?? 1),
    });
  } else if (spec.type === 'delivered') {
    Object.assign(event, { response: spec.smtpReply ?? '250 2.0.0 OK', tls: 1 });
  } else if (spec.type === 'bounced') {
    const reason = spec.smtpReply ?? '550 5.1.1 The email account that you tried to reach does not exist.';
    Object.assign(event, { reason, status: enhancedCode(reason) ?? '5.0.0', type: 'bounce', tls: 1 });
  } else {
    Object.assign(event, { reason: spec.smtpReply ?? 'Bounced Address', status: '5.0.0' });
  }
  if (spec.sendingIp && spec.type !== 'dropped') event.ip = spec.sendingIp;
  if (message.ipPool && spec.type !== 'dropped') event.pool = { name: message.ipPool, id: 1 };
  return event;
}

/** The request SendGrid would POST for these events, signed with `keys`. */
export function buildSendGridWebhook(
  events: readonly SandboxEventSpec[],
  keys: SendGridWebhookKeys,
  options: SendGridWebhookBuildOptions = {},
): BuiltWebhook {
  const body = Buffer.from(`${events.map((spec) => JSON.stringify(toSendGridEvent(spec))).join(',\r\n')}`);
  const framed = Buffer.concat([Buffer.from('['), body, Buffer.from(']\r\n')]);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), framed]), {
    key: keys.privateKey,
    dsaEncoding: 'der',
  });
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'SendGrid Event API',
      'x-twilio-email-event-webhook-signature': signature.toString('base64'),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    body: framed,
  };
}
