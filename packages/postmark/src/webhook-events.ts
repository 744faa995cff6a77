/**
 * Postmark webhook records → normalized DeliveryEvents. One POST carries one record
 * (`RecordType`: Delivery, Bounce, SpamComplaint, Open, Click, SubscriptionChange).
 * Postmark gives no attempt number and no sending IP on any record, so neither is ever set.
 */
import type { DeliveryEvent, DeliveryEventType, SmtpReplyInfo } from '@mailover/core/provider';
import { classifySmtpReply } from '@mailover/core/provider';
import { MAILOVER_ID_KEY } from './mapping.js';
import { lookupTable } from '@mailover/core/provider';

/**
 * Bounce `Type` → event type (Postmark bounce API, "Bounce types"). Postmark reports SoftBounce,
 * DnsError and the like only once it has stopped retrying (support article 1159), so they are
 * final: `bounced`. Only `Transient` ("Message delayed") says delivery may still happen: `deferred`.
 */
export const POSTMARK_BOUNCE_TYPES: Readonly<Record<string, DeliveryEventType>> = lookupTable({
  HardBounce: 'bounced',
  Transient: 'deferred',
  Unsubscribe: 'unsubscribed',
  Subscribe: 'unknown',
  AutoResponder: 'unknown', // an automatic reply: the message arrived, this is not a bounce
  AddressChange: 'unknown',
  DnsError: 'bounced',
  SpamNotification: 'bounced', // the receiving side classified it as spam or blocked it
  OpenRelayTest: 'unknown',
  Unknown: 'unknown',
  SoftBounce: 'bounced',
  VirusNotification: 'bounced',
  ChallengeVerification: 'unknown', // held by a challenge-response system, not refused
  BadEmailAddress: 'bounced',
  SpamComplaint: 'complained',
  ManuallyDeactivated: 'dropped',
  Unconfirmed: 'dropped',
  Blocked: 'bounced',
  SMTPApiError: 'dropped', // refused by Postmark itself, never sent
  InboundError: 'unknown',
  DMARCPolicy: 'bounced',
  TemplateRenderingFailed: 'dropped',
});

/** Bounce `TypeCode` → `Type`, for records that carry only the code. */
const BOUNCE_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'HardBounce',
  2: 'Transient',
  16: 'Unsubscribe',
  32: 'Subscribe',
  64: 'AutoResponder',
  128: 'AddressChange',
  256: 'DnsError',
  512: 'SpamNotification',
  1024: 'OpenRelayTest',
  2048: 'Unknown',
  4096: 'SoftBounce',
  8192: 'VirusNotification',
  16384: 'ChallengeVerification',
  100000: 'BadEmailAddress',
  100001: 'SpamComplaint',
  100002: 'ManuallyDeactivated',
  100003: 'Unconfirmed',
  100006: 'Blocked',
  100007: 'SMTPApiError',
  100008: 'InboundError',
  100009: 'DMARCPolicy',
  100010: 'TemplateRenderingFailed',
};

/** Where each record type keeps its recipient and its time. */
const RECORD_FIELDS: Readonly<Record<string, { recipient: string; time: string }>> = lookupTable({
  Delivery: { recipient: 'Recipient', time: 'DeliveredAt' },
  Bounce: { recipient: 'Email', time: 'BouncedAt' },
  SpamComplaint: { recipient: 'Email', time: 'BouncedAt' },
  Open: { recipient: 'Recipient', time: 'ReceivedAt' },
  Click: { recipient: 'Recipient', time: 'ReceivedAt' },
  SubscriptionChange: { recipient: 'Recipient', time: 'ChangedAt' },
});

/** A record's own time (epoch ms), or undefined when it has none readable. */
export function postmarkEventTime(record: Record<string, unknown>): number | undefined {
  const fields = RECORD_FIELDS[String(record.RecordType)];
  const candidates = fields ? [fields.time] : Object.keys(record).filter((key) => key.endsWith('At'));
  for (const key of candidates) {
    const value = record[key];
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(time)) return time;
  }
  return undefined;
}

/**
 * One record as a DeliveryEvent. `text` is the raw body, read for the bounce `ID`: it exceeds
 * 2^53 (the docs' sample is 4323372036854775807), so JSON.parse would round it and merge ids.
 */
export function toDeliveryEvent(
  record: Record<string, unknown>,
  text: string,
  provider: string,
): DeliveryEvent {
  const recordType = typeof record.RecordType === 'string' ? record.RecordType : '';
  const fields = RECORD_FIELDS[recordType];
  const recipient = recipientOf(record, fields?.recipient);
  const time = postmarkEventTime(record);
  if (time === undefined)
    throw new SyntaxError(`postmark: a ${recordType || 'record'} without a readable time`);
  const messageId = stringOf(record.MessageID);
  const metadata = typeof record.Metadata === 'object' && record.Metadata !== null ? record.Metadata : {};
  const mailoverId = stringOf((metadata as Record<string, unknown>)[MAILOVER_ID_KEY]);
  const smtp = smtpOf(recordType, stringOf(record.Details));
  return {
    type: eventType(recordType, record),
    provider,
    ...(messageId ? { providerMessageId: messageId } : {}),
    ...(mailoverId ? { mailoverId } : {}),
    recipient,
    time,
    ...(smtp ? { smtp } : {}),
    eventId: eventId(recordType, record, text, recipient),
    raw: record,
  };
}

function eventType(recordType: string, record: Record<string, unknown>): DeliveryEventType {
  switch (recordType) {
    case 'Delivery':
      return 'delivered';
    case 'Bounce': {
      const type = stringOf(record.Type) ?? BOUNCE_TYPE_NAMES[Number(record.TypeCode)] ?? '';
      return POSTMARK_BOUNCE_TYPES[type] ?? 'unknown';
    }
    case 'SpamComplaint':
      return 'complained';
    case 'Open':
      return 'opened';
    case 'Click':
      return 'clicked';
    case 'SubscriptionChange':
      // Suppressions for a bounce or complaint arrive as their own records; a reactivation is no event.
      return record.SuppressSending === true && record.SuppressionReason === 'ManualSuppression'
        ? 'unsubscribed'
        : 'unknown';
    default:
      return 'unknown';
  }
}

/** `Details` holds the receiving server's reply as `smtp;550 5.1.1 …` when there was one. */
function smtpOf(recordType: string, details: string | undefined): SmtpReplyInfo | undefined {
  if (!details || (recordType !== 'Bounce' && recordType !== 'Delivery')) return undefined;
  const text = details.replace(/^smtp;\s*/i, '').trim();
  const codes = /^([245]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3}))?\b/.exec(text);
  // A delivery's Details is often prose ("Test delivery webhook details"): only a reply counts.
  if (recordType === 'Delivery' && !codes) return undefined;
  return {
    ...(codes?.[1] ? { basic: Number(codes[1]) } : {}),
    ...(codes?.[2] ? { enhanced: codes[2] } : {}),
    text,
    classification: classifySmtpReply(text),
  };
}

function eventId(
  recordType: string,
  record: Record<string, unknown>,
  text: string,
  recipient: string,
): string {
  if (recordType === 'Bounce' || recordType === 'SpamComplaint') {
    const id =
      /"ID"\s*:\s*(\d+)/.exec(text)?.[1] ?? (typeof record.ID === 'number' ? String(record.ID) : undefined);
    if (id) return `postmark:${recordType}:${id}`;
  }
  const time = stringOf(record[RECORD_FIELDS[recordType]?.time ?? '']) ?? '';
  return `postmark:${recordType}:${stringOf(record.MessageID) ?? ''}:${recipient}:${time}`;
}

/**
 * Who the record is about: its documented field, else the other one, else (a bounce without
 * `Email`, as Postmark sends for some delays, DNS errors and unsubscribe replies) the recipient the
 * bounce message itself names in `Content` (`Final-Recipient`, `Original-Recipient`,
 * `X-Failed-Recipients`). Otherwise '': the event still carries the MessageID, by which it is
 * matched to the message.
 */
function recipientOf(record: Record<string, unknown>, field: string | undefined): string {
  const named =
    stringOf(record[field ?? 'Recipient']) ?? stringOf(record.Email) ?? stringOf(record.Recipient);
  if (named) return named;
  const content = stringOf(record.Content);
  return (content && BOUNCE_RECIPIENT.exec(content.slice(0, 200_000))?.[1]) || '';
}

// In a bounce message: `Final-Recipient: rfc822; ann@example.org` and its kin.
const BOUNCE_RECIPIENT =
  /^(?:Final-Recipient|Original-Recipient|X-Failed-Recipients):[ \t]{0,20}(?:rfc822;[ \t]{0,20})?<?([^\s<>;,]{1,254}@[^\s<>;,]{1,254})>?/im;

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
