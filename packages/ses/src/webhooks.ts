/**
 * SES delivery events over HTTP: SNS notifications (verified by their RSA signature) and EventBridge
 * API-destination calls (verified by a shared header secret, as EventBridge signs nothing).
 */
import { timingSafeEqual, X509Certificate } from 'node:crypto';
import type {
  DeliveryEvent,
  ProviderWebhooks,
  WebhookContext,
  WebhookRejection,
  WebhookRequest,
} from '@mailover/core/provider';
import {
  ConfigurationError,
  isRecord,
  readJson,
  reject,
  requireFiniteNonNegative,
  requireNonBlank,
} from '@mailover/core/provider';
import { parseSesEvent } from './events.js';
import {
  isSnsUrl,
  requiredSnsFields,
  SNS_MESSAGE_TYPES,
  type SnsEnvelope,
  type SnsMessageType,
  verifySnsSignature,
} from './sns.js';

export interface SesWebhookOptions {
  /** Fetch the PEM certificate at a SigningCertURL that passed the host check. Default: HTTPS GET with `fetch`, redirects refused. */
  readonly fetchCertificate?: (url: string) => Promise<string>;
  /** PEM certificates one of which must have issued the signing certificate (pin Amazon's CA); a given list must be non-empty. Default: none; the HTTPS fetch from an SNS host is the trust anchor. */
  readonly issuerCertificates?: readonly string[];
  /**
   * Accept only messages from these SNS topics. Required to accept SNS messages: a valid SNS
   * signature proves SNS sent the message, not that it came from your topic. Default: none, so SNS
   * messages are refused (403) unless `allowAnyTopic` is set; building SNS webhooks with neither
   * is a ConfigurationError.
   */
  readonly topicArns?: readonly string[];
  /**
   * DANGEROUS: accept SNS messages from any topic of any AWS account (anyone can make SNS sign a
   * message from a topic of their own). Only for a test or an endpoint that is not reachable from
   * outside. Default: false.
   */
  readonly allowAnyTopic?: boolean;
  /** Confirm a verified SubscriptionConfirmation, e.g. `(url) => fetch(url).then(() => {})`. Default: none; it surfaces as an `unknown` event whose `raw.SubscribeURL` you can visit. */
  readonly confirmSubscription?: (subscribeUrl: string) => Promise<void>;
  /** The provider id put on each event. Default: `'ses'`. */
  readonly providerId?: string;
  /** Oldest SNS `Timestamp` accepted, in seconds (finite, ≥ 0). Default: 3 600 (SNS's longest retry window). */
  readonly toleranceSeconds?: number;
  /** @deprecated Use `toleranceSeconds` (the name every adapter uses); kept for one release. In milliseconds. */
  readonly maxAgeMs?: number;
  /** For EventBridge API destinations: the header name and secret (both non-blank) the connection sends. Default: none, so EventBridge-shaped requests are refused. */
  readonly eventBridge?: { readonly header: string; readonly secret: string };
}

/** SNS retries a delivery for up to an hour: a longer window than the other providers' five minutes. */
const DEFAULT_TOLERANCE_SECONDS = 60 * 60;
/** SNS clocks are good; anything further ahead is forged. */
const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** SNS messages are at most 256 KiB; the envelope and JSON escaping add some. */
const MAX_BODY_BYTES = 1024 * 1024;
const CERTIFICATE_CACHE_SIZE = 32;
const ACCEPTED_MEDIA_TYPES = new Set(['text/plain', 'application/json']);

/** `ProviderWebhooks` for SES events arriving through SNS or EventBridge. */
export function sesWebhooks(options?: SesWebhookOptions): ProviderWebhooks;
/** @deprecated Pass `{ providerId }` inside the options, as every adapter's webhooks take it; kept for one release. */
export function sesWebhooks(providerId: string, options?: SesWebhookOptions): ProviderWebhooks;
export function sesWebhooks(
  first: string | SesWebhookOptions = {},
  second: SesWebhookOptions = {},
): ProviderWebhooks {
  const options = typeof first === 'string' ? { ...second, providerId: first } : first;
  const providerId = options.providerId ?? 'ses';
  const fetchCertificate = options.fetchCertificate ?? defaultFetchCertificate;
  const certificates = new Map<string, Promise<string>>();
  const maxAgeMs =
    options.toleranceSeconds !== undefined || options.maxAgeMs === undefined
      ? requireFiniteNonNegative(
          'ses',
          'webhook.toleranceSeconds',
          options.toleranceSeconds,
          DEFAULT_TOLERANCE_SECONDS,
          's',
        ) * 1000
      : requireFiniteNonNegative('ses', 'webhook.maxAgeMs', options.maxAgeMs, 0, 'ms');
  const topics = checkTopics(options);
  const eventBridge = checkEventBridge(options.eventBridge);
  const issuers = checkIssuers(options.issuerCertificates);

  const certificateFor = (url: string): Promise<string> => {
    let pending = certificates.get(url);
    if (!pending) {
      pending = fetchCertificate(url);
      certificates.set(url, pending);
      pending.catch(() => certificates.delete(url));
      if (certificates.size > CERTIFICATE_CACHE_SIZE) certificates.delete(certificates.keys().next().value!);
    }
    return pending;
  };

  return {
    async verify(request: WebhookRequest, context: WebhookContext): Promise<WebhookRejection | null> {
      const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!ACCEPTED_MEDIA_TYPES.has(mediaType))
        return reject(415, `Unsupported content type "${mediaType}".`);
      if (request.body.byteLength > MAX_BODY_BYTES) return reject(413, 'Body too large for an SNS message.');
      const body = readJson(request.body);
      if (!isRecord(body)) return reject(400, 'Body is not a JSON object.');

      if (typeof body['detail-type'] === 'string' && 'detail' in body) {
        return verifyEventBridge(request, eventBridge);
      }
      if (!SNS_MESSAGE_TYPES.includes(body.Type as SnsMessageType)) {
        return reject(401, 'Not a signed SNS message.');
      }
      const headerType = request.headers.get('x-amz-sns-message-type');
      if (headerType !== null && headerType !== body.Type)
        return reject(400, 'SNS message type header and body disagree.');
      const envelope = body as SnsEnvelope;
      const missing = requiredSnsFields(envelope.Type).filter((key) => typeof envelope[key] !== 'string');
      if (missing.length > 0) return reject(400, `SNS message lacks ${missing.join(', ')}.`);
      if (topics !== 'any' && !topics.has(envelope.TopicArn!)) {
        return reject(403, 'SNS topic not allowed (not in webhook.topicArns).');
      }
      if (!isSnsUrl(envelope.SigningCertURL!)) return reject(401, 'SigningCertURL is not an Amazon SNS URL.');
      const sentAt = Date.parse(envelope.Timestamp!);
      const now = context.now();
      if (Number.isNaN(sentAt)) return reject(400, 'SNS Timestamp is not a date.');
      if (now - sentAt > maxAgeMs || sentAt - now > MAX_FUTURE_SKEW_MS) {
        return reject(401, 'SNS message is stale or from the future.');
      }
      let certificate: string;
      try {
        certificate = await certificateFor(envelope.SigningCertURL!);
      } catch {
        return reject(401, 'SNS signing certificate could not be fetched.');
      }
      if (!verifySnsSignature(envelope, certificate, now, issuers)) {
        return reject(401, 'SNS signature does not verify.');
      }
      if (envelope.Type === 'SubscriptionConfirmation' && options.confirmSubscription) {
        if (isSnsUrl(envelope.SubscribeURL!, false)) {
          // A failed confirmation is not a forgery: the message still surfaces as an event to act on.
          await options.confirmSubscription(envelope.SubscribeURL!).catch(() => undefined);
        }
      }
      return null;
    },

    parse(request: WebhookRequest): DeliveryEvent[] {
      const body = JSON.parse(Buffer.from(request.body).toString('utf8'));
      return parseBody(body, providerId);
    },
  };
}

/** SNS envelope, EventBridge event, bare SES record, or an array of them → events. Throws when malformed. */
export function parseBody(body: unknown, providerId: string): DeliveryEvent[] {
  if (Array.isArray(body)) return body.flatMap((item) => parseBody(item, providerId));
  if (!isRecord(body)) throw new TypeError('Webhook body is not a JSON object.');
  if (SNS_MESSAGE_TYPES.includes(body.Type as SnsMessageType)) {
    if (body.Type !== 'Notification') return [snsOnlyEvent(body, providerId)];
    if (typeof body.Message !== 'string') throw new TypeError('SNS notification without a Message.');
    const record = readJson(Buffer.from(body.Message, 'utf8'));
    // Anything else on the topic (SES's AmazonSnsSubscriptionSucceeded notice, a test message) is not malformed.
    if (!isRecord(record) || !isRecord(record.mail)) return [snsOnlyEvent(body, providerId)];
    return parseSesEvent(record, providerId);
  }
  if (typeof body['detail-type'] === 'string' && 'detail' in body)
    return parseSesEvent(body.detail, providerId);
  return parseSesEvent(body, providerId);
}

/** Confirmations and notices that carry no delivery: surfaced so someone can act on them. */
function snsOnlyEvent(envelope: Record<string, unknown>, providerId: string): DeliveryEvent {
  const time = Date.parse(String(envelope.Timestamp));
  return {
    type: 'unknown',
    provider: providerId,
    recipient: '',
    time: Number.isNaN(time) ? 0 : time,
    eventId: `sns:${String(envelope.MessageId)}`,
    raw: envelope,
  };
}

/**
 * The SNS topics whose messages are accepted, or 'any' when `allowAnyTopic` says so. Whoever
 * accepts SNS messages or confirms subscriptions must name their topics: a ConfigurationError
 * otherwise. Only an EventBridge-only setup may leave both out (SNS is then refused).
 */
function checkTopics(options: SesWebhookOptions): ReadonlySet<string> | 'any' {
  if (options.allowAnyTopic !== undefined && typeof options.allowAnyTopic !== 'boolean') {
    throw new ConfigurationError('ses: webhook.allowAnyTopic must be true or false.');
  }
  if (options.topicArns !== undefined) {
    if (!Array.isArray(options.topicArns) || options.topicArns.length === 0) {
      throw new ConfigurationError(
        "ses: webhook.topicArns must list at least one SNS topic ARN, e.g. ['arn:aws:sns:eu-west-1:123456789012:ses-events'].",
      );
    }
    const topics = options.topicArns.map((arn, index) =>
      requireNonBlank('ses', `webhook.topicArns[${index}]`, arn),
    );
    if (options.allowAnyTopic) {
      throw new ConfigurationError(
        'ses: webhook.topicArns and webhook.allowAnyTopic contradict each other; keep topicArns.',
      );
    }
    return new Set(topics);
  }
  if (options.allowAnyTopic === true) return 'any';
  if (options.eventBridge !== undefined && options.confirmSubscription === undefined) return new Set();
  throw new ConfigurationError(
    'ses: webhook.topicArns is required to accept SNS messages: an SNS signature proves SNS sent a message, not that it came from your topic, and anyone can publish to a topic of their own. ' +
      'Pass webhook.topicArns: [your topic ARN] (or, only for tests, webhook.allowAnyTopic: true).',
  );
}

/** Pinned issuers, each a readable certificate: an empty list would quietly pin nothing. */
function checkIssuers(given: SesWebhookOptions['issuerCertificates']): readonly string[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || given.length === 0) {
    throw new ConfigurationError(
      'ses: webhook.issuerCertificates must list at least one PEM certificate, or be left out (no pinning).',
    );
  }
  given.forEach((pem, index) => {
    try {
      new X509Certificate(requireNonBlank('ses', `webhook.issuerCertificates[${index}]`, pem));
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw new ConfigurationError(`ses: webhook.issuerCertificates[${index}] is not a PEM certificate.`);
    }
  });
  return given;
}

function checkEventBridge(given: SesWebhookOptions['eventBridge']): SesWebhookOptions['eventBridge'] {
  if (given === undefined) return undefined;
  if (typeof given !== 'object' || given === null) {
    throw new ConfigurationError('ses: webhook.eventBridge must be { header, secret } or left out.');
  }
  return {
    header: requireNonBlank('ses', 'webhook.eventBridge.header', given.header).toLowerCase(),
    secret: requireNonBlank('ses', 'webhook.eventBridge.secret', given.secret),
  };
}

function verifyEventBridge(
  request: WebhookRequest,
  expected: SesWebhookOptions['eventBridge'],
): WebhookRejection | null {
  if (!expected) return reject(401, 'EventBridge events are not enabled (no webhook.eventBridge secret).');
  const given = Buffer.from(request.headers.get(expected.header) ?? '');
  const secret = Buffer.from(expected.secret);
  if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
    return reject(401, 'EventBridge secret header does not match.');
  }
  return null;
}

async function defaultFetchCertificate(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`SNS certificate fetch failed with HTTP ${response.status}.`);
  return response.text();
}
