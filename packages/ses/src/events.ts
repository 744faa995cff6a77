/**
 * SES event records (configuration-set event publishing, `eventType`; identity notifications,
 * `notificationType`) → normalized DeliveryEvents, one per recipient. Pure.
 */
import { createHash } from 'node:crypto';
import type { DeliveryEvent, DeliveryEventType, SmtpReplyInfo } from '@mailover/core/provider';
import { classifySmtpReply } from '@mailover/core/provider';
import { decodeTagValue, MAILOVER_ID_TAG } from './tags.js';
import { lookupTable } from '@mailover/core/provider';

type Json = Record<string, any>;

/** SES event type → DeliveryEvent type (see the README for why each maps as it does). */
export const SES_EVENT_TYPES: Readonly<Record<string, DeliveryEventType>> = lookupTable({
  Send: 'accepted',
  Delivery: 'delivered',
  DeliveryDelay: 'deferred',
  Bounce: 'bounced',
  Complaint: 'complained',
  Reject: 'dropped',
  'Rendering Failure': 'dropped',
  RenderingFailure: 'dropped',
  Open: 'opened',
  Click: 'clicked',
});

/** Bounces of these sub-types were never attempted: SES suppressed them. */
const SUPPRESSED_SUBTYPES = new Set(['Suppressed', 'OnAccountSuppressionList']);

/** Parse one SES event record. Throws when it is not one. */
export function parseSesEvent(record: unknown, providerId: string): DeliveryEvent[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new TypeError('An SES event must be a JSON object.');
  }
  const event = record as Json;
  const kind = event.eventType ?? event.notificationType;
  const mail = event.mail;
  if (typeof kind !== 'string' || typeof mail !== 'object' || mail === null) {
    throw new TypeError('Not an SES event: eventType/notificationType and mail are required.');
  }
  const tags: Json = typeof mail.tags === 'object' && mail.tags !== null ? mail.tags : {};
  const mailoverTag = firstString(tags[MAILOVER_ID_TAG]);
  const base = {
    provider: providerId,
    providerMessageId: typeof mail.messageId === 'string' ? mail.messageId : undefined,
    mailoverId: mailoverTag === undefined ? undefined : decodeTagValue(mailoverTag),
    sendingIp: firstString(tags['ses:outgoing-ip']),
    raw: record,
  };
  const mailTime = Date.parse(mail.timestamp);
  const build = (
    type: DeliveryEventType,
    recipient: string,
    timestamp: unknown,
    reply?: { text?: unknown; status?: unknown },
  ): DeliveryEvent => {
    const parsed = Date.parse(typeof timestamp === 'string' ? timestamp : '');
    const time = Number.isNaN(parsed) ? (Number.isNaN(mailTime) ? 0 : mailTime) : parsed;
    const smtp = smtpInfo(reply?.text, reply?.status);
    return stripUndefined({
      ...base,
      type,
      recipient,
      time,
      smtp,
      eventId: eventId(base.providerMessageId, kind, timestamp, recipient),
    });
  };
  const destination: string[] = Array.isArray(mail.destination) ? mail.destination.filter(isString) : [];
  switch (kind) {
    case 'Delivery': {
      const delivery = event.delivery ?? {};
      return list(delivery.recipients)
        .filter(isString)
        .map((recipient) =>
          build('delivered', recipient, delivery.timestamp, { text: delivery.smtpResponse }),
        );
    }
    case 'DeliveryDelay': {
      const delay = event.deliveryDelay ?? {};
      return list(delay.delayedRecipients).map((entry: Json) =>
        build('deferred', String(entry?.emailAddress ?? ''), delay.timestamp, {
          text: entry?.diagnosticCode,
          status: entry?.status,
        }),
      );
    }
    case 'Bounce': {
      const bounce = event.bounce ?? {};
      const type: DeliveryEventType = SUPPRESSED_SUBTYPES.has(bounce.bounceSubType) ? 'dropped' : 'bounced';
      return list(bounce.bouncedRecipients).map((entry: Json) =>
        build(type, String(entry?.emailAddress ?? ''), bounce.timestamp, {
          text: entry?.diagnosticCode,
          status: entry?.status,
        }),
      );
    }
    case 'Complaint': {
      const complaint = event.complaint ?? {};
      return list(complaint.complainedRecipients).map((entry: Json) =>
        build('complained', String(entry?.emailAddress ?? ''), complaint.timestamp),
      );
    }
    case 'Subscription': {
      // Preference changes are events too; only an opt-out of everything is an unsubscribe.
      const subscription = event.subscription ?? {};
      const type = subscription.newTopicPreferences?.unsubscribeAll === true ? 'unsubscribed' : 'unknown';
      return destination.map((recipient) => build(type, recipient, subscription.timestamp ?? mail.timestamp));
    }
    default: {
      const type = SES_EVENT_TYPES[kind] ?? 'unknown';
      const detail = event[detailKey(kind)] ?? {};
      return destination.map((recipient) => build(type, recipient, detail.timestamp ?? mail.timestamp));
    }
  }
}

/** `Rendering Failure` → `failure`, `Send` → `send`, `Open` → `open`, … */
function detailKey(kind: string): string {
  if (kind === 'Rendering Failure' || kind === 'RenderingFailure') return 'failure';
  return kind.charAt(0).toLowerCase() + kind.slice(1);
}

/** SES writes replies as `smtp; 421 4.4.1 Unable to connect`; the enhanced code may also sit in `status`. */
function smtpInfo(text: unknown, status: unknown): SmtpReplyInfo | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const reply = text.replace(/^\s*smtp;\s*/i, '').trim();
  const basic = /^([245]\d\d)\b/.exec(reply)?.[1];
  const enhanced =
    /^[245]\d\d[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] ??
    (typeof status === 'string' && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) ? status : undefined);
  return stripUndefined({
    basic: basic === undefined ? undefined : Number(basic),
    enhanced,
    text: reply,
    classification: classifySmtpReply(reply),
  });
}

/** Stable across SNS retries and across transports (SNS, EventBridge): built from the event itself. */
function eventId(messageId: unknown, kind: string, timestamp: unknown, recipient: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([messageId ?? null, kind, timestamp ?? null, recipient]))
    .digest('hex');
  return `ses:${digest.slice(0, 32)}`;
}

function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
