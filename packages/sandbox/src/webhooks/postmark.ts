/**
 * What Postmark POSTs to a webhook URL: one JSON record per request, `Content-Type:
 * application/json`, no signature. Authenticity comes from the webhook's `HttpAuth` (sent as Basic
 * auth) and `HttpHeaders` (sent as they are), which these keys stand for. Postmark reports no
 * per-attempt deferral, attempt number or sending IP, so `attempt` and `sendingIp` are dropped.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { BuiltWebhook, SandboxEventSpec } from '../types.js';

/** The secrets configured on a Postmark webhook; the receiver checks them. */
export interface PostmarkWebhookKeys {
  /** `HttpAuth.Username`. */
  readonly username: string;
  /** `HttpAuth.Password`. */
  readonly password: string;
  /** One `HttpHeaders` entry carrying a shared secret. */
  readonly header: { readonly name: string; readonly value: string };
}

/** Fresh random webhook credentials for a test. */
export function generatePostmarkWebhookKeys(): PostmarkWebhookKeys {
  return {
    username: `postmark-${randomBytes(4).toString('hex')}`,
    password: randomBytes(24).toString('base64url'),
    header: { name: 'X-Webhook-Secret', value: randomBytes(24).toString('base64url') },
  };
}

/** One webhook request for one event. Postmark sends one record per POST, so give exactly one event. */
export function buildPostmarkWebhook(
  events: readonly SandboxEventSpec[],
  keys: PostmarkWebhookKeys,
): BuiltWebhook {
  const [event] = events;
  if (!event || events.length !== 1) {
    throw new RangeError(
      'buildPostmarkWebhook: Postmark posts one record per request; use buildPostmarkWebhooks',
    );
  }
  const credentials = Buffer.from(`${keys.username}:${keys.password}`).toString('base64');
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Postmark',
      authorization: `Basic ${credentials}`,
      [keys.header.name.toLowerCase()]: keys.header.value,
      // Postmark's retry-stable delivery id (ActiveCampaign/postmark-skills, postmark-webhooks).
      'x-pm-webhook-trace-id': randomUUID(),
    },
    body: Buffer.from(JSON.stringify(postmarkRecord(event))),
  };
}

/** One request per event, as Postmark would send them. */
export function buildPostmarkWebhooks(
  events: readonly SandboxEventSpec[],
  keys: PostmarkWebhookKeys,
): BuiltWebhook[] {
  return events.map((event) => buildPostmarkWebhook([event], keys));
}

/** Bounce types the sandbox uses, with Postmark's code, name and description (bounce API docs). */
const BOUNCES = {
  HardBounce: {
    TypeCode: 1,
    Name: 'Hard bounce',
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
  },
  Transient: {
    TypeCode: 2,
    Name: 'Message delayed',
    Description:
      'The server could not temporarily deliver your message (ex: Message is delayed due to network troubles).',
  },
  SoftBounce: {
    TypeCode: 4096,
    Name: 'Soft bounce',
    Description:
      'Unable to temporarily deliver message (i.e. mailbox full, account disabled, exceeds quota, out of disk space).',
  },
  ManuallyDeactivated: {
    TypeCode: 100002,
    Name: 'Manually deactivated',
    Description: 'The email was manually deactivated.',
  },
} as const;

function postmarkRecord(event: SandboxEventSpec): Record<string, unknown> {
  const { message } = event;
  const common = {
    MessageStream: message.ipPool ?? 'outbound',
    MessageID: message.providerMessageId,
    Tag: message.tags[0] ?? '',
    ServerID: 23,
    Metadata: { ...message.metadata },
  };
  const at = new Date(event.time).toISOString();
  const details = event.smtpReply ? `smtp;${event.smtpReply}` : undefined;
  if (event.type === 'delivered') {
    return {
      RecordType: 'Delivery',
      ...common,
      Recipient: event.recipient,
      DeliveredAt: at,
      Details: details ?? 'smtp;250 2.0.0 OK',
    };
  }
  const type = bounceType(event);
  return {
    RecordType: 'Bounce',
    ID: randomInt(1, 2 ** 47),
    Type: type,
    ...BOUNCES[type],
    ...common,
    Details: details ?? BOUNCES[type].Description,
    Email: event.recipient,
    From: message.from.address,
    BouncedAt: at,
    DumpAvailable: false,
    Inactive: type === 'HardBounce' || type === 'ManuallyDeactivated',
    CanActivate: true,
    Subject: message.subject,
  };
}

/**
 * A `deferred` event becomes the only delay record Postmark has, a `Transient` bounce; a `bounced`
 * one a SoftBounce for a 4xx reply (Postmark gave up retrying) or a HardBounce; `dropped` an
 * address Postmark had deactivated.
 */
function bounceType(event: SandboxEventSpec): keyof typeof BOUNCES {
  if (event.type === 'deferred') return 'Transient';
  if (event.type === 'dropped') return 'ManuallyDeactivated';
  return event.smtpReply?.trim().startsWith('4') ? 'SoftBounce' : 'HardBounce';
}
