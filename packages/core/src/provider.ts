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
  /**
   * True when the provider takes only 7-bit ASCII addresses (no SMTPUTF8, RFC 6531): a message with
   * a non-ASCII local part (`josé@…`) is then passed over. Domains are sent in ASCII (IDNA) anyway.
   */
  readonly asciiAddressesOnly?: boolean;
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

/**
 * A recipient the provider refused while it took the message for the others: an SMTP relay's
 * answer to one `RCPT TO` (docs/failure-taxonomy.md, "Recipients refused at send time").
 */
export interface ProviderRejectedRecipient {
  /** The address as it was sent. */
  readonly recipient: string;
  /** The server's reply, codes first (`550 5.1.1 <bob@example.org>: Recipient address rejected`). */
  readonly reply: string;
}

/** What a successful `send` resolves to. */
export interface ProviderSendResult {
  /** The provider's own id for the accepted message (SendGrid X-Message-Id, SES MessageId, …). */
  readonly providerMessageId: string;
  /** Recipients refused at send time while the others were accepted; absent or empty when none was. */
  readonly rejected?: readonly ProviderRejectedRecipient[];
}

/** A web-standard request as seen by a webhook verifier: the raw body bytes and the headers. */
export interface WebhookRequest {
  /** HTTP method, upper case (`POST`). */
  readonly method: string;
  /** The full request URL, query included (some providers sign it). */
  readonly url: string;
  /** The request headers, as received. */
  readonly headers: Headers;
  /** The raw body bytes, unparsed: signatures are computed over exactly these. */
  readonly body: Uint8Array;
}

/** Why a webhook was refused: maps to the HTTP status the handler answers with. */
export type WebhookRejection = {
  /** 400 unreadable, 401 bad or missing signature, 403 replay or wrong account, 413 too large, 415 wrong content type. */
  readonly status: 400 | 401 | 403 | 413 | 415;
  /** Why, for logs; never contains a secret. */
  readonly reason: string;
};

/** What the core lends a verifier: time, and a shared memory for replay tokens. */
export interface WebhookContext {
  /** The mailer's clock, epoch milliseconds: for timestamp tolerance checks. */
  now(): number;
  /**
   * Remember `key` for `ttlMs`; resolves true the first time a key is seen, false for a replay.
   * Backed by the mailer's Store, so replays are refused across instances.
   */
  rememberOnce(key: string, ttlMs: number): Promise<boolean>;
}

/** A provider's webhook side: authenticate, then parse into normalized delivery events. */
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
  /** The contract version this provider implements; the core refuses versions it does not know. */
  readonly specificationVersion: 'v1';
  /** Unique per mailer (`'sendgrid'`, `'postmark-dedicated'`). Defaults to `kind`. */
  readonly id: string;
  /** What sort of provider: `'sendgrid' | 'ses' | 'mailgun' | 'postmark' | 'smtp' | …`. */
  readonly kind: string;
  /** `'fixed'` when retries leave from one stable IP (dedicated IP, own relay). */
  readonly ip: IpMode;
  /** What this provider can carry; the engine skips it for a message over a limit. */
  readonly limits: ProviderLimits;
  /** Make one attempt. Throws the SDK's error on failure; the engine passes it to `classifyError`. */
  send(message: NormalizedMessage, context: ProviderSendContext): Promise<ProviderSendResult>;
  /** Describe a thrown error. Pure and total: never throws, unknown input gives code `unknown`. */
  classifyError(error: unknown): ProviderFailure;
  /** Webhook verification and parsing, when the provider posts delivery events. Default: none. */
  readonly webhooks?: ProviderWebhooks;
  /**
   * True when every delivery event for a message this provider sent carries its mailover id
   * (`DeliveryEvent.mailoverId`): the adapter puts the id where the provider echoes it back (custom
   * args, metadata, tags). The engine then keeps no provider-message-id index for its sends, one
   * store write less per message. Default: false, and events are also matched by provider message id.
   */
  readonly eventsCarryMailoverId?: boolean;
}

/** Any version of the provider contract this core understands. */
export type Provider = ProviderV1;
