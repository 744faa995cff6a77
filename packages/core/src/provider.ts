import type { ProviderFailure } from './failures.js';
import type { NormalizedMessage } from './message/types.js';
import type { DeliveryEvent } from './delivery-event.js';

/** Whether a provider's retries of one message leave from one stable address. */
export type IpMode = 'rotating' | 'fixed';

/** What a provider can carry. The engine skips a provider whose limits a message exceeds. */
export interface ProviderLimits {
  /** Largest whole message, in bytes, as the engine estimates it (`NormalizedMessage.sizeBytes`). */
  readonly maxMessageBytes?: number;
  /** Most recipients (to + cc + bcc) in one message. */
  readonly maxRecipients?: number;
  /** Most attachments in one message. */
  readonly maxAttachments?: number;
  /** Attachment filename extensions the provider refuses, lower case without the dot (`exe`). */
  readonly blockedExtensions?: readonly string[];
}

/** Passed to `send` for each attempt. */
export interface ProviderSendContext {
  /** Aborts when the caller aborts or the deadline passes; adapters pass it to their SDK. */
  readonly signal: AbortSignal;
  /** 1 for the first call to this provider for this message, 2 for its first retry, … */
  readonly attempt: number;
  /** Stable across attempts of one message; for providers that accept one. */
  readonly idempotencyKey: string;
  /** Recipients to send to, when a re-send targets only some of them (greylisting failover). */
  readonly recipients?: readonly string[];
}

export interface ProviderSendResult {
  /** The provider's own id for the accepted message (SendGrid X-Message-Id, SES MessageId, …). */
  readonly providerMessageId: string;
}

/** A web-standard request as seen by a webhook verifier: the raw body bytes and the headers. */
export interface WebhookRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** Why a webhook was refused: maps to the HTTP status the handler answers with. */
export type WebhookRejection = { readonly status: 400 | 401 | 403 | 413 | 415; readonly reason: string };

/** What the core lends a verifier: time, and a shared memory for replay tokens. */
export interface WebhookContext {
  now(): number;
  /**
   * Remember `key` for `ttlMs`; resolves true the first time a key is seen, false for a replay.
   * Backed by the mailer's Store, so replays are refused across instances.
   */
  rememberOnce(key: string, ttlMs: number): Promise<boolean>;
}

export interface ProviderWebhooks {
  /** Check authenticity on the raw bytes, before parsing. Resolves to null when authentic, or why not. */
  verify(request: WebhookRequest, context: WebhookContext): Promise<WebhookRejection | null>;
  /** Parse an authentic request into normalized events. Unreadable bodies: throw (answered 400) or return []. */
  parse(request: WebhookRequest): DeliveryEvent[];
}

/**
 * The provider contract, version 1. Adapters (`sendgrid()`, `ses()`, …) return one of these; users'
 * own providers may implement it too. Only the core retries: `send` makes exactly one attempt.
 */
export interface ProviderV1 {
  readonly specificationVersion: 'v1';
  /** Unique per mailer (`'sendgrid'`, `'postmark-dedicated'`). Defaults to `kind`. */
  readonly id: string;
  /** What sort of provider: `'sendgrid' | 'ses' | 'mailgun' | 'postmark' | 'smtp' | …`. */
  readonly kind: string;
  /** `'fixed'` when retries leave from one stable IP (dedicated IP, own relay). */
  readonly ip: IpMode;
  readonly limits: ProviderLimits;
  /** Make one attempt. Throws the SDK's error on failure; the engine passes it to `classifyError`. */
  send(message: NormalizedMessage, context: ProviderSendContext): Promise<ProviderSendResult>;
  /** Describe a thrown error. Pure and total: never throws, unknown input gives code `unknown`. */
  classifyError(error: unknown): ProviderFailure;
  readonly webhooks?: ProviderWebhooks;
}

/** Any version of the provider contract this core understands. */
export type Provider = ProviderV1;
