/**
 * What every adapter's webhooks.ts needs and would otherwise write again (docs/adapters.md,
 * "webhooks.ts"): rejections, safe JSON reading, the content-type and timestamp checks, constant-time
 * comparison, the SMTP reply an event carries, and an event id when the provider gives none.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { requireFiniteNonNegative } from '../adapter-kit.js';
import type { SmtpReplyInfo } from '../delivery-event.js';
import type { WebhookRejection } from '../provider.js';
import { classifySmtpReply } from '../smtp/classify.js';
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS } from './defaults.js';

/** A refusal with the status the handler answers. `reason` must not contain a secret. */
export function reject(status: WebhookRejection['status'], reason: string): WebhookRejection {
  return { status, reason };
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, else undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The body as JSON, or undefined when it is not UTF-8 JSON. Never throws. */
export function readJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
}

/** A 415 rejection unless the request says `application/json`. */
export function requireJson(headers: Headers): WebhookRejection | null {
  const contentType = headers.get('content-type') ?? '';
  if (/^application\/json\s*(;|$)/i.test(contentType.trim())) return null;
  return reject(415, `expected application/json, got ${contentType || 'no content type'}`);
}

/**
 * A 401 rejection unless `seconds` (a unix time from the request) lies within `toleranceSeconds`
 * of `nowMs`, either way: older is stale or replayed, newer is forged or a broken clock.
 */
export function checkTimestamp(
  seconds: number,
  nowMs: number,
  toleranceSeconds: number,
): WebhookRejection | null {
  if (!Number.isFinite(seconds)) return reject(401, 'timestamp is not a unix time');
  if (Math.abs(nowMs / 1000 - seconds) > toleranceSeconds) {
    return reject(401, 'timestamp outside the tolerance window (stale or replayed)');
  }
  return null;
}

/** Whether two secrets are equal, in time that tells nothing about either (both are hashed first). */
export function secretsEqual(given: string | Uint8Array, expected: string | Uint8Array): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sha256(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * An id for an event the provider gave none: `sha256:` and the digest of its JSON, so the same
 * event re-delivered gets the same id and is counted once.
 */
export function hashEventId(event: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
}

/**
 * The recipient server's reply as events carry it. The codes are read from the text when the
 * provider gives them only there (`550 5.1.1 …`); `basic`/`enhanced` passed in win. Undefined for an
 * empty text. Never throws.
 */
export function smtpReplyOf(
  text: string | undefined,
  given: { readonly basic?: number; readonly enhanced?: string } = {},
): SmtpReplyInfo | undefined {
  const reply = text?.trim();
  if (!reply) return undefined;
  let classification: SmtpReplyInfo['classification'];
  try {
    classification = classifySmtpReply(reply);
  } catch {
    return undefined;
  }
  const codes = /^([245]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3}))?\b/.exec(reply);
  const basic = given.basic ?? (codes?.[1] ? Number(codes[1]) : classification.basic || undefined);
  const enhanced =
    given.enhanced ??
    codes?.[2] ??
    classification.enhanced ??
    /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1];
  return {
    ...(basic ? { basic } : {}),
    ...(enhanced ? { enhanced } : {}),
    text: reply,
    classification,
  };
}

/** A positive integer attempt number, else undefined. */
export function attemptOf(value: unknown): number | undefined {
  const attempt = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(attempt) && attempt > 0 ? attempt : undefined;
}

/**
 * The webhook timestamp tolerance, in seconds: `fallback` when undefined, else a finite number
 * ≥ 0, else a ConfigurationError naming `webhookToleranceSeconds` (a NaN window would let every
 * timestamp through).
 */
export function webhookTolerance(
  adapter: string,
  value: unknown,
  fallback: number = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
): number {
  return requireFiniteNonNegative(adapter, 'webhookToleranceSeconds', value, fallback, 'seconds');
}
