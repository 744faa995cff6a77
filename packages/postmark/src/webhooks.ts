/**
 * Postmark webhooks. Postmark signs nothing (docs/providers/postmark.md): a webhook is authentic when it
 * carries the HTTP Basic credentials and/or the secret header configured on the webhook (its
 * `HttpAuth` and `HttpHeaders`). Those are checked in constant time before the body is read.
 * The body itself is not covered by any secret: only TLS protects it in transit.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  DeliveryEvent,
  ProviderWebhooks,
  WebhookContext,
  WebhookRejection,
  WebhookRequest,
} from '@mailover/core/provider';
import {
  ConfigurationError,
  requireFiniteNonNegative,
  requireNonBlank,
  webhookTolerance,
} from '@mailover/core/provider';
import { postmarkEventTime, toDeliveryEvent } from './webhook-events.js';

/** A credential Postmark sends with every webhook: Basic auth, or a custom header with a secret value. */
export type PostmarkWebhookAuth =
  | { readonly username: string; readonly password: string }
  | { readonly header: string; readonly value: string };

export interface PostmarkWebhookOptions {
  /** The provider id events are attributed to. */
  readonly providerId: string;
  /** Every credential given must be present and right. */
  readonly auth: PostmarkWebhookAuth | readonly PostmarkWebhookAuth[];
  /** Refuse records whose own time is older than this, in seconds (finite, ≥ 0). Default: 86 400 (a day). */
  readonly toleranceSeconds?: number;
  /** @deprecated Use `toleranceSeconds` (the name every adapter uses); kept for one release. In ms. */
  readonly maxAgeMs?: number;
}

/** Postmark retries a failed webhook for about 70 minutes; a day leaves room for queues and clocks. */
export const DEFAULT_WEBHOOK_MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface Check {
  readonly header: string;
  readonly digest: Buffer;
  /** What the request's header value is compared as (Basic: the decoded `user:password`). */
  readonly read: (value: string) => string | undefined;
}

/** `verify` and `parse` for Postmark webhook requests. */
export function postmarkWebhooks(options: PostmarkWebhookOptions): ProviderWebhooks {
  const given: readonly unknown[] = Array.isArray(options.auth) ? options.auth : [options.auth];
  if (given.length === 0) {
    throw new ConfigurationError(
      'postmark: webhookAuth needs at least one credential: { username, password } or { header, value }',
    );
  }
  const checks = given.map((auth, index) =>
    toCheck(auth, Array.isArray(options.auth) ? `webhookAuth[${index}]` : 'webhookAuth'),
  );
  const maxAgeMs =
    options.toleranceSeconds !== undefined || options.maxAgeMs === undefined
      ? webhookTolerance('postmark', options.toleranceSeconds, DEFAULT_WEBHOOK_MAX_AGE_MS / 1000) * 1000
      : requireFiniteNonNegative('postmark', 'webhookMaxAgeMs', options.maxAgeMs, 0, 'ms');

  return {
    async verify(request: WebhookRequest, context: WebhookContext): Promise<WebhookRejection | null> {
      try {
        // Evaluate every check, so the time taken does not tell which credential was wrong.
        const results = checks.map((check) => matches(check, request.headers.get(check.header)));
        if (results.includes(false)) return { status: 401, reason: 'missing or wrong webhook credentials' };
        const contentType = request.headers.get('content-type') ?? '';
        if (!/^application\/json\b/i.test(contentType.trim())) {
          return {
            status: 415,
            reason: `expected application/json, got ${contentType || 'no content type'}`,
          };
        }
        const record = readRecord(request.body);
        if (!record)
          return { status: 400, reason: 'not a Postmark webhook record (JSON object with a RecordType)' };
        const time = postmarkEventTime(record);
        if (time === undefined) return { status: 400, reason: 'the record carries no readable time' };
        if (context.now() - time > maxAgeMs)
          return { status: 401, reason: 'stale record: older than webhookToleranceSeconds' };
        return null;
      } catch {
        return { status: 400, reason: 'unreadable webhook request' };
      }
    },

    parse(request: WebhookRequest): DeliveryEvent[] {
      // Never throws: a body verify would refuse (400) yields no events.
      try {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(request.body);
        const record = JSON.parse(text) as unknown;
        return isRecord(record) ? [toDeliveryEvent(record, text, options.providerId)] : [];
      } catch {
        return [];
      }
    },
  };
}

/**
 * A credential, checked when the provider is built: a blank or missing part (a password read from
 * an unset variable) would make `undefined:undefined` or ` : ` the secret anyone can send.
 */
function toCheck(auth: unknown, option: string): Check {
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigurationError(`postmark: ${option} must be { username, password } or { header, value }`);
  }
  if ('username' in auth || 'password' in auth) {
    const { username, password } = auth as { username?: unknown; password?: unknown };
    const user = requireNonBlank('postmark', `${option}.username`, username);
    // Basic auth splits at the first colon: a colon in the user name would move the boundary.
    if (user.includes(':')) {
      throw new ConfigurationError(
        `postmark: ${option}.username must not contain ':' (Basic auth splits there)`,
      );
    }
    const pass = requireNonBlank('postmark', `${option}.password`, password);
    return {
      header: 'authorization',
      digest: digestOf(`${user}:${pass}`),
      read: (value) => {
        const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value)?.[1];
        return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
      },
    };
  }
  const { header, value: secret } = auth as { header?: unknown; value?: unknown };
  const name = requireNonBlank('postmark', `${option}.header`, header).trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
    throw new ConfigurationError(`postmark: ${option}.header is not a valid HTTP header name`);
  }
  return {
    header: name,
    digest: digestOf(requireNonBlank('postmark', `${option}.value`, secret)),
    read: (value) => value,
  };
}

/** Compare equal-length digests, so neither the secret's length nor its prefix leaks through timing. */
function matches(check: Check, value: string | null): boolean {
  const given = value === null ? undefined : check.read(value);
  const same = timingSafeEqual(digestOf(given ?? ''), check.digest);
  return same && given !== undefined;
}

function digestOf(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function readRecord(body: Uint8Array): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
  return isRecord(parsed) ? parsed : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { RecordType?: unknown }).RecordType === 'string'
  );
}
