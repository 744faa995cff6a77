/**
 * Mailgun webhooks: `POST application/json {signature: {timestamp, token, signature}, "event-data": {…}}`,
 * one event per request (providers.md §3.3–3.4). The signature is HMAC-SHA256 of
 * `timestamp + token` under the HTTP webhook signing key; it does not cover the event data.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  classifySmtpReply,
  type DeliveryEvent,
  type DeliveryEventType,
  type ProviderWebhooks,
  requireFiniteNonNegative,
  requireNonBlank,
  type SmtpReplyInfo,
  type WebhookContext,
  type WebhookRejection,
  type WebhookRequest,
} from '@mailover/core';
import { MAILOVER_ID_VARIABLE } from './mapping.js';

export interface MailgunWebhookOptions {
  /** The HTTP webhook signing key (Mailgun control panel → Webhooks). Required, non-blank. */
  readonly signingKey: string;
  /** Provider id written on each event. Default `'mailgun'`. */
  readonly providerId?: string;
  /** Oldest (or furthest-future) timestamp accepted, in seconds from now (finite, ≥ 0). Default 300. */
  readonly toleranceSeconds?: number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
/** A Unix time in seconds as Mailgun sends it: digits only. */
const UNIX_SECONDS = /^\d{1,12}$/;

/** Verify and parse Mailgun webhooks; `mailgun({ webhookSigningKey })` exposes this as `webhooks`. */
export function mailgunWebhooks(options: MailgunWebhookOptions): ProviderWebhooks {
  const providerId = options.providerId ?? 'mailgun';
  const signingKey = requireNonBlank('mailgun', 'webhookSigningKey', options.signingKey);
  const toleranceSeconds = requireFiniteNonNegative(
    'mailgun',
    'webhookToleranceSeconds',
    options.toleranceSeconds,
    DEFAULT_TOLERANCE_SECONDS,
    'seconds',
  );
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
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<WebhookRejection | null> {
  // Checked on every call too: this function is public, and a blank key or a NaN window fails open.
  requireNonBlank('mailgun', 'webhookSigningKey', signingKey);
  requireFiniteNonNegative('mailgun', 'webhookToleranceSeconds', toleranceSeconds, DEFAULT_TOLERANCE_SECONDS);
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return { status: 415, reason: `expected application/json, got ${contentType || 'no content type'}` };
  }
  const body = readJson(request.body);
  if (!isRecord(body)) return { status: 400, reason: 'body is not a JSON object' };
  const signature = body.signature;
  if (!isRecord(signature)) return { status: 400, reason: 'no signature block' };
  const timestamp =
    typeof signature.timestamp === 'number' ? String(signature.timestamp) : signature.timestamp;
  const { token, signature: digest } = signature;
  if (typeof timestamp !== 'string' || typeof token !== 'string' || typeof digest !== 'string') {
    return { status: 400, reason: 'signature block lacks timestamp, token or signature' };
  }
  if (!isRecord(body['event-data'])) return { status: 400, reason: 'no event-data' };
  // The HMAC covers timestamp + token with no separator: a timestamp that Number() reads the same
  // in another spelling ("1700000000e0", " 1700000000", "0x…") would move the boundary and let a
  // signed pair come back as a new token.
  if (!UNIX_SECONDS.test(timestamp)) return { status: 401, reason: 'timestamp is not a unix time in digits' };

  const expected = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest();
  const given = /^[0-9a-f]+$/i.test(digest) ? Buffer.from(digest, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { status: 401, reason: 'signature does not match' };
  }
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || Math.abs(context.now() / 1000 - seconds) > toleranceSeconds) {
    return { status: 401, reason: 'timestamp outside the accepted window' };
  }
  // Remembered past the window's both edges, so a token cannot come back while still fresh.
  const first = await context.rememberOnce(`mailgun:${token}`, 2 * toleranceSeconds * 1000);
  if (!first) return { status: 401, reason: 'token already used (replay)' };
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
  const attempt = Number(status?.['attempt-no']);
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
    ...(Number.isInteger(attempt) && attempt > 0 ? { attempt } : {}),
    ...(sendingIp ? { sendingIp } : {}),
    eventId: text(event.id) ?? `sha256:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`,
    raw: event,
  };
}

/** The recipient server's reply as one line: `451 4.7.652 The mail server …`. */
function smtpReply(status: Record<string, unknown>): SmtpReplyInfo | undefined {
  const code = Number(status.code);
  const basic = Number.isInteger(code) && code >= 200 && code < 600 ? code : undefined;
  const enhanced = text(status['enhanced-code']);
  const words = text(status.message) || text(status.description) || '';
  if (basic === undefined && words === '') return undefined;
  const parts = [basic, enhanced && !words.startsWith(enhanced) ? enhanced : undefined, words];
  const reply = parts.filter((part) => part !== undefined && part !== '').join(' ');
  return {
    ...(basic !== undefined ? { basic } : {}),
    ...(enhanced ? { enhanced } : {}),
    text: reply,
    classification: classifySmtpReply(reply),
  };
}

function readJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
