/**
 * Mailgun webhooks: `POST application/json {signature: {timestamp, token, signature}, "event-data": {…}}`,
 * one event per request (docs/providers/mailgun.md). The signature is HMAC-SHA256 of
 * `timestamp + token` under the HTTP webhook signing key; it does not cover the event data.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  DeliveryEvent,
  DeliveryEventType,
  ProviderWebhooks,
  SmtpReplyInfo,
  WebhookContext,
  WebhookRejection,
  WebhookRequest,
} from '@mailover/core/provider';
import {
  attemptOf,
  checkTimestamp,
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  hashEventId,
  isRecord,
  readJson,
  reject,
  requireJson,
  requireNonBlank,
  smtpReplyOf,
  stringOf as text,
  webhookTolerance,
} from '@mailover/core/provider';
import { MAILOVER_ID_VARIABLE } from './mapping.js';

export interface MailgunWebhookOptions {
  /** The HTTP webhook signing key (Mailgun control panel → Webhooks). Required, non-blank. */
  readonly signingKey: string;
  /** Provider id written on each event. Default `'mailgun'`. */
  readonly providerId?: string;
  /** Oldest (or furthest-future) timestamp accepted, in seconds from now (finite, ≥ 0). Default 300. */
  readonly toleranceSeconds?: number;
}

/** A Unix time in seconds as Mailgun sends it: digits only. */
const UNIX_SECONDS = /^\d{1,12}$/;

/** Verify and parse Mailgun webhooks; `mailgun({ webhookSigningKey })` exposes this as `webhooks`. */
export function mailgunWebhooks(options: MailgunWebhookOptions): ProviderWebhooks {
  const providerId = options.providerId ?? 'mailgun';
  const signingKey = requireNonBlank('mailgun', 'webhookSigningKey', options.signingKey);
  const toleranceSeconds = webhookTolerance('mailgun', options.toleranceSeconds);
  return {
    verify: (request, context) => verifyMailgunWebhook(request, context, signingKey, toleranceSeconds),
    parse: (request) => parseMailgunWebhook(request, providerId),
  };
}

/** Resolves to null when the request is an authentic, fresh, first-seen Mailgun webhook. */
export async function verifyMailgunWebhook(
  request: WebhookRequest,
  context: WebhookContext,
  signingKey: string,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
): Promise<WebhookRejection | null> {
  // Checked on every call too: this function is public, and a blank key or a NaN window fails open.
  requireNonBlank('mailgun', 'webhookSigningKey', signingKey);
  webhookTolerance('mailgun', toleranceSeconds);
  const notJson = requireJson(request.headers);
  if (notJson) return notJson;
  const body = readJson(request.body);
  if (!isRecord(body)) return reject(400, 'body is not a JSON object');
  const signature = body.signature;
  if (!isRecord(signature)) return reject(400, 'no signature block');
  const timestamp =
    typeof signature.timestamp === 'number' ? String(signature.timestamp) : signature.timestamp;
  const { token, signature: digest } = signature;
  if (typeof timestamp !== 'string' || typeof token !== 'string' || typeof digest !== 'string') {
    return reject(400, 'signature block lacks timestamp, token or signature');
  }
  if (!isRecord(body['event-data'])) return reject(400, 'no event-data');
  // The HMAC covers timestamp + token with no separator: a timestamp that Number() reads the same
  // in another spelling ("1700000000e0", " 1700000000", "0x…") would move the boundary and let a
  // signed pair come back as a new token.
  if (!UNIX_SECONDS.test(timestamp)) return reject(401, 'timestamp is not a unix time in digits');

  const expected = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest();
  const given = /^[0-9a-f]+$/i.test(digest) ? Buffer.from(digest, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return reject(401, 'signature does not match');
  }
  const stale = checkTimestamp(Number(timestamp), context.now(), toleranceSeconds);
  if (stale) return stale;
  // Remembered past the window's both edges, so a token cannot come back while still fresh.
  const first = await context.rememberOnce(`mailgun:${token}`, 2 * toleranceSeconds * 1000);
  if (!first) return reject(401, 'token already used (replay)');
  return null;
}

/** The normalized events of one webhook body; [] when the body is not a Mailgun webhook. */
export function parseMailgunWebhook(request: WebhookRequest, providerId = 'mailgun'): DeliveryEvent[] {
  const body = readJson(request.body);
  if (!isRecord(body) || !isRecord(body['event-data'])) return [];
  try {
    const event = toDeliveryEvent(body['event-data'], providerId);
    const recipients = recipientsOf(body['event-data']);
    if (recipients.length === 1)
      return [recipients[0] === event.recipient ? event : { ...event, recipient: recipients[0]! }];
    // One event an addressee, each with its own id so that deduplication keeps them all.
    return recipients.map((recipient) => ({ ...event, recipient, eventId: `${event.eventId}:${recipient}` }));
  } catch {
    return [];
  }
}

/**
 * Who the event is about. Most events name one `recipient`; a `rejected` event (Mailgun refused
 * the message before sending) names none and carries the addressees in `message.recipients` or
 * only in the `To:` header (Mailgun's own sample, fixtures/rejected.json): one event each. With no
 * address at all, one event without a recipient, matched to the message by its Message-Id.
 */
function recipientsOf(event: Record<string, unknown>): string[] {
  const named = text(event.recipient);
  if (named) return [named];
  const message = isRecord(event.message) ? event.message : {};
  const listed = Array.isArray(message.recipients)
    ? message.recipients.filter((item): item is string => typeof item === 'string' && item.includes('@'))
    : [];
  if (listed.length > 0) return listed;
  const headers = isRecord(message.headers) ? message.headers : {};
  const header = text(headers.to);
  const fromHeader = header ? addressesOf(header) : [];
  return fromHeader.length > 0 ? fromHeader : [''];
}

// The addresses of a To: header: `a@x`, `Ann <a@x>, "Doe, J" <j@y>`. Quoted names are dropped,
// then the rest is split at separators: no pattern that backtracks over a hostile header.
const QUOTED_NAME = /"[^"]*"/g;
const SEPARATORS = /[\s<>,;]+/;
const MAX_HEADER_RECIPIENTS = 1_000;
const MAX_PART_OCTETS = 254;

function addressesOf(header: string): string[] {
  const found = new Set<string>();
  for (const token of header.slice(0, 100_000).replace(QUOTED_NAME, ' ').split(SEPARATORS)) {
    const at = token.indexOf('@');
    if (at < 1 || at !== token.lastIndexOf('@') || at === token.length - 1) continue;
    if (at > MAX_PART_OCTETS || token.length - at - 1 > MAX_PART_OCTETS) continue;
    found.add(token);
    if (found.size >= MAX_HEADER_RECIPIENTS) break;
  }
  return [...found];
}

/**
 * Mailgun event → DeliveryEvent type. `failed` splits on severity: temporary is a deferral (Mailgun
 * retries), permanent is a bounce, or a drop when Mailgun did not try (`suppress-*` reasons).
 */
export function mailgunEventType(event: Record<string, unknown>): DeliveryEventType {
  switch (event.event) {
    case 'accepted':
      return 'accepted';
    case 'delivered':
      return 'delivered';
    case 'failed':
      if (event.severity === 'temporary') return 'deferred';
      return typeof event.reason === 'string' && event.reason.startsWith('suppress-') ? 'dropped' : 'bounced';
    case 'rejected':
      return 'dropped';
    case 'complained':
      return 'complained';
    case 'unsubscribed':
      return 'unsubscribed';
    case 'opened':
      return 'opened';
    case 'clicked':
      return 'clicked';
    default:
      return 'unknown';
  }
}

function toDeliveryEvent(event: Record<string, unknown>, providerId: string): DeliveryEvent {
  const message = isRecord(event.message) ? event.message : {};
  const headers = isRecord(message.headers) ? message.headers : {};
  const variables = isRecord(event['user-variables']) ? event['user-variables'] : {};
  const status = isRecord(event['delivery-status']) ? event['delivery-status'] : undefined;
  const envelope = isRecord(event.envelope) ? event.envelope : {};
  const messageId = text(headers['message-id']);
  const mailoverId = variables[MAILOVER_ID_VARIABLE];
  const attempt = attemptOf(status?.['attempt-no']);
  const sendingIp = text(envelope['sending-ip']);
  const smtp = status ? smtpReply(status) : undefined;
  const seconds = Number(event.timestamp);

  return {
    type: mailgunEventType(event),
    provider: providerId,
    // Events carry the Message-Id without angle brackets; the send answer has them (§0.4.9).
    ...(messageId ? { providerMessageId: messageId.startsWith('<') ? messageId : `<${messageId}>` } : {}),
    ...(mailoverId !== undefined && mailoverId !== null ? { mailoverId: String(mailoverId) } : {}),
    recipient: text(event.recipient) ?? '',
    time: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0,
    ...(smtp ? { smtp } : {}),
    ...(attempt ? { attempt } : {}),
    ...(sendingIp ? { sendingIp } : {}),
    eventId: text(event.id) ?? hashEventId(event),
    raw: event,
  };
}

/** The recipient server's reply as one line: `451 4.7.652 The mail server …`. */
function smtpReply(status: Record<string, unknown>): SmtpReplyInfo | undefined {
  const code = Number(status.code);
  const basic = Number.isInteger(code) && code >= 200 && code < 600 ? code : undefined;
  const enhanced = text(status['enhanced-code']);
  const words = text(status.message) || text(status.description) || '';
  const parts = [basic, enhanced && !words.startsWith(enhanced) ? enhanced : undefined, words];
  const reply = parts.filter((part) => part !== undefined && part !== '').join(' ');
  return smtpReplyOf(reply, { ...(basic !== undefined ? { basic } : {}), ...(enhanced ? { enhanced } : {}) });
}
