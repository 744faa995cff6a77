/**
 * Resend's webhooks as Resend sends them: one JSON event per POST (`{type, created_at, data}`),
 * signed the Svix way. `svix-signature` is `v1,` + base64 HMAC-SHA256, keyed with the base64 part
 * of the `whsec_` secret, over `<svix-id>.<svix-timestamp>.<body>` (Resend's "Verify webhooks
 * requests"; Svix's "Verifying webhooks manually").
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { BuiltWebhook, SandboxEventSpec } from '../types.js';

export interface ResendWebhookKeys {
  /** The signing secret the Resend dashboard shows: `whsec_` + base64 of 24 random bytes. */
  readonly secret: string;
}

export function generateResendWebhookKeys(): ResendWebhookKeys {
  return { secret: `whsec_${randomBytes(24).toString('base64')}` };
}

/** The sandbox's event types → Resend's. A deferral is `email.delivery_delayed`. */
const TYPES: Readonly<Record<SandboxEventSpec['type'], string>> = {
  delivered: 'email.delivered',
  deferred: 'email.delivery_delayed',
  bounced: 'email.bounced',
  dropped: 'email.suppressed',
};

export interface ResendWebhookBuildOptions {
  /** When the webhook is sent, epoch ms: the `svix-timestamp`. Default `Date.now()`. */
  readonly now?: number;
  /** The `svix-id`. Default: `msg_` and a random id, as Svix's. */
  readonly id?: string;
}

/** Sign `body` as Svix does; exported for tests that forge or replay. */
export function signResendWebhook(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The request Resend would POST for one event. */
export function buildResendWebhook(
  event: SandboxEventSpec,
  keys: ResendWebhookKeys,
  options: ResendWebhookBuildOptions = {},
): BuiltWebhook {
  const message = event.message;
  const tags = Object.fromEntries(Object.entries(message.metadata));
  const data: Record<string, unknown> = {
    email_id: message.providerMessageId,
    created_at: new Date(message.receivedAt).toISOString(),
    from: message.from.name ? `${message.from.name} <${message.from.address}>` : message.from.address,
    to: [event.recipient],
    subject: message.subject,
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
  if (event.type === 'bounced') {
    data.bounce = {
      type: 'Permanent',
      subType: 'General',
      message: event.smtpReply ?? "The recipient's email provider sent a hard bounce message.",
    };
  }
  if (event.type === 'deferred' && event.smtpReply) {
    // Resend's delivery_delayed data carries no reply field of its own in the documented sample; the
    // sandbox adds the recipient server's words the way the bounce object does.
    data.delivery_delayed = { message: event.smtpReply };
  }
  const body = JSON.stringify({
    type: TYPES[event.type],
    created_at: new Date(event.time).toISOString(),
    data,
  });
  const id = options.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
  const timestamp = String(Math.floor((options.now ?? Date.now()) / 1000));
  return {
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': timestamp,
      'svix-signature': signResendWebhook(keys.secret, id, timestamp, body),
    },
    body: Buffer.from(body, 'utf8'),
  };
}
