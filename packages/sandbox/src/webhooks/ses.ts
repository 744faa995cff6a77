/**
 * What Amazon SES event publishing POSTs through an SNS HTTP(S) subscription: an SNS envelope whose
 * `Message` is the SES event record as a JSON string, signed with SNS's RSA scheme (SignatureVersion
 * 1 = SHA1withRSA, 2 = SHA256withRSA) over the documented string to sign.
 */
import { createSign, randomUUID } from 'node:crypto';
import type { AcceptedMessage, BuiltWebhook, SandboxEventSpec } from '../types.js';
import type { SesWebhookKeys } from './ses-keys.js';

export { generateSesWebhookKeys, type SesWebhookKeyOptions, type SesWebhookKeys } from './ses-keys.js';

const ACCOUNT_ID = '123456789012';
const REPORTING_MTA = 'a8-70.smtp-out.amazonses.com';
const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

export interface SesWebhookBuildOptions {
  /** SNS publish time, epoch ms. Default: now. */
  readonly now?: number;
}

/**
 * One SNS notification carrying one SES event. SNS delivers one event per POST, so every spec must be
 * about the same message and of the same type; their recipients become the event's recipient list.
 */
export function buildSesWebhook(
  events: readonly SandboxEventSpec[],
  keys: SesWebhookKeys,
  options: SesWebhookBuildOptions = {},
): BuiltWebhook {
  const [first] = events;
  if (!first) throw new Error('buildSesWebhook: no events.');
  if (events.some((event) => event.type !== first.type || event.message !== first.message)) {
    throw new Error(
      'buildSesWebhook: SNS carries one SES event per request; use buildSesWebhooks for several.',
    );
  }
  return signedEnvelope(
    'Notification',
    { Message: JSON.stringify(toSesEvent(events)) },
    keys,
    options.now ?? events[events.length - 1]!.time,
  );
}

/** One request per (message, type) group, in order of first appearance. */
export function buildSesWebhooks(
  events: readonly SandboxEventSpec[],
  keys: SesWebhookKeys,
  options: SesWebhookBuildOptions = {},
): BuiltWebhook[] {
  const groups = new Map<string, SandboxEventSpec[]>();
  for (const event of events) {
    const key = `${event.message.providerMessageId} ${event.type}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return [...groups.values()].map((group) => buildSesWebhook(group, keys, options));
}

/** The SubscriptionConfirmation SNS sends when an endpoint is subscribed to the topic. */
export function buildSesSubscriptionConfirmation(keys: SesWebhookKeys, now = Date.now()): BuiltWebhook {
  const token = randomUUID().replace(/-/g, '').repeat(4);
  return signedEnvelope(
    'SubscriptionConfirmation',
    {
      Message: `You have chosen to subscribe to the topic ${keys.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      Token: token,
      SubscribeURL: `https://sns.${keys.region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(keys.topicArn)}&Token=${token}`,
    },
    keys,
    now,
  );
}

function signedEnvelope(
  type: 'Notification' | 'SubscriptionConfirmation',
  fields: Record<string, string>,
  keys: SesWebhookKeys,
  now: number,
): BuiltWebhook {
  const messageId = randomUUID();
  const envelope: Record<string, string> = {
    Type: type,
    MessageId: messageId,
    ...(type === 'SubscriptionConfirmation' ? { Token: fields.Token! } : {}),
    TopicArn: keys.topicArn,
    Message: fields.Message!,
    ...(type === 'SubscriptionConfirmation' ? { SubscribeURL: fields.SubscribeURL! } : {}),
    Timestamp: new Date(now).toISOString(),
    SignatureVersion: keys.signatureVersion,
    Signature: '',
    SigningCertURL: keys.certificateUrl,
  };
  if (type === 'Notification') {
    envelope.UnsubscribeURL = `https://sns.${keys.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${keys.topicArn}:${randomUUID()}`;
  }
  const signedKeys = type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  const stringToSign = signedKeys
    .filter((key) => envelope[key] !== undefined)
    .map((key) => `${key}\n${envelope[key]}\n`)
    .join('');
  envelope.Signature = createSign(keys.signatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1')
    .update(stringToSign, 'utf8')
    .sign(keys.privateKeyPem, 'base64');
  return {
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': type,
      'x-amz-sns-message-id': messageId,
      'x-amz-sns-topic-arn': keys.topicArn,
      ...(type === 'Notification'
        ? { 'x-amz-sns-subscription-arn': `${keys.topicArn}:${randomUUID()}` }
        : {}),
      'user-agent': 'Amazon Simple Notification Service Agent',
    },
    // SNS pretty-prints its envelope.
    body: Buffer.from(JSON.stringify(envelope, null, 2), 'utf8'),
  };
}

/** The SES event record (as in AWS's "event data published to SNS" examples) for a group of specs. */
function toSesEvent(events: readonly SandboxEventSpec[]): Record<string, unknown> {
  const first = events[0]!;
  const time = new Date(first.time).toISOString();
  const mail = mailObject(first.message, first.sendingIp);
  switch (first.type) {
    case 'delivered':
      return {
        eventType: 'Delivery',
        mail,
        delivery: {
          timestamp: time,
          processingTimeMillis: Math.max(0, first.time - first.message.receivedAt),
          recipients: events.map((event) => event.recipient),
          smtpResponse: first.smtpReply ?? '250 2.6.0 Message received',
          reportingMTA: REPORTING_MTA,
        },
      };
    case 'deferred':
      return {
        eventType: 'DeliveryDelay',
        mail,
        deliveryDelay: {
          timestamp: time,
          delayType: 'RecipientServerError',
          expirationTime: new Date(first.message.receivedAt + 14 * 60 * 60 * 1000).toISOString(),
          delayedRecipients: events.map((event) => recipientStatus(event, '4.0.0')),
          reportingMTA: `dsn; ${REPORTING_MTA}`,
        },
      };
    case 'bounced':
      return {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: events.map((event) => ({
            ...recipientStatus(event, '5.0.0'),
            action: 'failed',
          })),
          timestamp: time,
          feedbackId: feedbackId(first.time),
          reportingMTA: `dsn; ${REPORTING_MTA}`,
        },
      };
    case 'dropped':
      return {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'OnAccountSuppressionList',
          bouncedRecipients: events.map((event) => ({
            emailAddress: event.recipient,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode:
              'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
          })),
          timestamp: time,
          feedbackId: feedbackId(first.time),
          reportingMTA: `dns; ${REPORTING_MTA}`,
        },
      };
  }
}

function recipientStatus(event: SandboxEventSpec, fallbackStatus: string) {
  const reply = event.smtpReply ?? `${fallbackStatus.startsWith('4') ? '451' : '550'} ${fallbackStatus}`;
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] ?? fallbackStatus;
  return { emailAddress: event.recipient, status: enhanced, diagnosticCode: `smtp; ${reply}` };
}

function mailObject(message: AcceptedMessage, sendingIp: string | undefined): Record<string, unknown> {
  const tags: Record<string, string[]> = {
    ...(message.ipPool ? { 'ses:configuration-set': [message.ipPool] } : {}),
    'ses:source-ip': ['192.0.2.10'],
    'ses:from-domain': [message.from.address.split('@')[1] ?? ''],
    'ses:caller-identity': ['mailover-sandbox'],
    // Present on AWS's Delivery example; whether real DeliveryDelay events carry it is unverified.
    ...(sendingIp ? { 'ses:outgoing-ip': [sendingIp] } : {}),
  };
  for (const tag of requestTags(message)) tags[tag.Name] = [tag.Value];
  const destination = [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
  return {
    timestamp: new Date(message.receivedAt).toISOString(),
    source: message.from.address,
    sourceArn: `arn:aws:ses:us-east-1:${ACCOUNT_ID}:identity/${message.from.address.split('@')[1] ?? ''}`,
    sendingAccountId: ACCOUNT_ID,
    messageId: message.providerMessageId,
    destination,
    headersTruncated: false,
    headers: [
      { name: 'From', value: message.from.address },
      { name: 'To', value: message.to.map((address) => address.address).join(', ') },
      { name: 'Subject', value: message.subject },
      ...(message.messageId ? [{ name: 'Message-ID', value: message.messageId }] : []),
    ],
    commonHeaders: {
      from: [message.from.address],
      to: message.to.map((address) => address.address),
      messageId: message.providerMessageId,
      subject: message.subject,
    },
    tags,
  };
}

/** The EmailTags exactly as the SendEmail request carried them (SES echoes them in `mail.tags`). */
function requestTags(message: AcceptedMessage): Array<{ Name: string; Value: string }> {
  const raw = message.raw as { EmailTags?: unknown } | undefined;
  if (!Array.isArray(raw?.EmailTags)) return [];
  return raw.EmailTags.filter(
    (tag): tag is { Name: string; Value: string } =>
      typeof tag?.Name === 'string' && typeof tag?.Value === 'string',
  );
}

function feedbackId(time: number): string {
  return `0100${time.toString(16).padStart(12, '0')}-${randomUUID()}-000000`;
}
