/**
 * What Mailgun POSTs to a webhook URL: `Content-Type: application/json`, one event per request,
 * `{signature: {timestamp, token, signature}, "event-data": {…}}`, where `signature` is the hex
 * HMAC-SHA256 of `timestamp + token` under the HTTP webhook signing key (docs/providers/mailgun.md).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { BuiltWebhook, SandboxEventSpec } from '../types.js';

/** The secret a Mailgun account signs its webhooks with. */
export interface MailgunWebhookKeys {
  /** The "HTTP webhook signing key" of the Mailgun control panel. */
  readonly signingKey: string;
}

export interface MailgunWebhookBuildOptions {
  /** When the webhook is sent, epoch ms: the signature's timestamp. Default `Date.now()`. */
  readonly now?: number;
  /** The signature's token. Default: 50 random characters, as Mailgun's. */
  readonly token?: string;
}

/** A fresh signing key, shaped like Mailgun's (32 hex characters). */
export function generateMailgunWebhookKeys(): MailgunWebhookKeys {
  return { signingKey: randomBytes(16).toString('hex') };
}

/**
 * The request Mailgun would send for these events. Mailgun sends one event per request, so give
 * exactly one; use {@link buildMailgunWebhooks} for several.
 */
export function buildMailgunWebhook(
  events: readonly SandboxEventSpec[],
  keys: MailgunWebhookKeys,
  options: MailgunWebhookBuildOptions = {},
): BuiltWebhook {
  if (events.length !== 1) {
    throw new RangeError(`Mailgun sends one event per webhook request; got ${events.length}`);
  }
  const timestamp = String(Math.floor((options.now ?? Date.now()) / 1000));
  const token = options.token ?? randomToken();
  const signature = createHmac('sha256', keys.signingKey)
    .update(timestamp + token)
    .digest('hex');
  const body = { signature: { timestamp, token, signature }, 'event-data': toEventData(events[0]!) };
  return { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

/** One request per event, each with its own token. */
export function buildMailgunWebhooks(
  events: readonly SandboxEventSpec[],
  keys: MailgunWebhookKeys,
  options: Omit<MailgunWebhookBuildOptions, 'token'> = {},
): BuiltWebhook[] {
  return events.map((event) => buildMailgunWebhook([event], keys, options));
}

/** The Events-API structure Mailgun puts in `event-data` (mailgun/documentation api-events.rst). */
function toEventData(spec: SandboxEventSpec): Record<string, unknown> {
  const { message } = spec;
  const reply = splitReply(spec.smtpReply);
  const base = {
    id: randomBytes(16).toString('base64url').slice(0, 22),
    timestamp: spec.time / 1000,
    recipient: spec.recipient,
    'recipient-domain': spec.recipient.split('@')[1] ?? '',
    tags: [...message.tags],
    campaigns: [],
    'user-variables': { ...message.metadata },
    flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
    envelope: {
      transport: 'smtp',
      sender: message.from.address,
      ...(spec.sendingIp ? { 'sending-ip': spec.sendingIp } : {}),
      targets: spec.recipient,
    },
    message: {
      headers: {
        to: message.to.map((address) => address.address).join(', '),
        // Events carry the Message-Id without the angle brackets the send answer has.
        'message-id': message.providerMessageId.replace(/^<|>$/g, ''),
        from: message.from.address,
        subject: message.subject,
      },
      attachments: [],
      size: Buffer.byteLength(message.text ?? '') + Buffer.byteLength(message.html ?? ''),
    },
  };
  const attempt = spec.attempt !== undefined ? { 'attempt-no': spec.attempt } : {};
  switch (spec.type) {
    case 'delivered':
      return {
        ...base,
        event: 'delivered',
        'log-level': 'info',
        'delivery-status': {
          tls: true,
          code: reply.code ?? 250,
          message: reply.message || 'OK',
          description: '',
          ...attempt,
        },
      };
    case 'deferred':
      return {
        ...base,
        event: 'failed',
        severity: 'temporary',
        reason: 'generic',
        'log-level': 'warn',
        'delivery-status': {
          code: reply.code ?? 451,
          ...(reply.enhanced ? { 'enhanced-code': reply.enhanced } : {}),
          message: reply.message,
          description: '',
          'retry-seconds': 600,
          ...attempt,
        },
      };
    case 'bounced':
      return {
        ...base,
        event: 'failed',
        severity: 'permanent',
        reason: 'bounce',
        'log-level': 'error',
        'delivery-status': {
          code: reply.code ?? 550,
          ...(reply.enhanced ? { 'enhanced-code': reply.enhanced } : {}),
          message: reply.message,
          description: '',
          ...attempt,
        },
      };
    case 'dropped':
      return {
        ...base,
        event: 'failed',
        severity: 'permanent',
        reason: 'suppress-bounce',
        'log-level': 'error',
        'delivery-status': {
          code: 605,
          message: 'Not delivering to previously bounced address',
          description: '',
        },
      };
  }
}

/** `450 4.2.0 Greylisted` → code 450, enhanced 4.2.0, message `4.2.0 Greylisted` (as Mailgun keeps it). */
function splitReply(reply: string | undefined): { code?: number; enhanced?: string; message: string } {
  if (!reply) return { message: '' };
  const match = /^(\d{3})[ -]?(.*)$/s.exec(reply.trim());
  if (!match) return { message: reply.trim() };
  const message = match[2]!.trim();
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(message)?.[1];
  return { code: Number(match[1]), ...(enhanced ? { enhanced } : {}), message };
}

function randomToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(50), (byte) => alphabet[byte % alphabet.length]).join('');
}
